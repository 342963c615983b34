/**
 * The state of a form validated with the API's own rules: values, errors per field (the
 * client's after the first submit, the server's 400/409 field errors until that field changes),
 * the request's error in words, and busy while it is sent.
 */
import { useState } from 'react';
import { ApiError, errorText } from './api';
import { type FieldErrors, fieldErrorsOf } from './validation';

export function useForm<V extends { readonly [K in keyof V]: string }>(
  initial: V,
  validate: (values: V) => FieldErrors,
) {
  const [values, setValues] = useState<V>(initial);
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const clientErrors = validate(values);

  return {
    values,
    busy,
    /** The request's error, when no field of the form can show it. */
    error,
    errorOf: (field: keyof V & string) => serverErrors[field] ?? (submitted ? clientErrors[field] : undefined),
    set: (field: keyof V & string) => (value: string) => {
      setValues((v) => ({ ...v, [field]: value }));
      setServerErrors((e) => ({ ...e, [field]: undefined }));
    },
    /** Validates, then sends; a refused request puts its field errors on the fields. */
    async submit(send: (values: V) => Promise<void>): Promise<void> {
      setSubmitted(true);
      if (Object.keys(clientErrors).length > 0) return;
      setBusy(true);
      setError(undefined);
      try {
        await send(values);
      } catch (e) {
        const fields = e instanceof ApiError ? e.fieldErrors : [];
        setServerErrors(fieldErrorsOf(fields));
        const shownOnFields = fields.length > 0 && fields.every((f) => f.field in values);
        setError(shownOnFields ? undefined : errorText(e));
      } finally {
        setBusy(false);
      }
    },
  };
}
