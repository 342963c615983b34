/**
 * Sign-in with a username (or email) and password, then the new-password step when Cognito asks for it
 * (NEW_PASSWORD_REQUIRED at a first login with a temporary password).
 */
import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { type FormEvent, type ReactNode, useState } from 'react';
import { type CognitoTarget, completeNewPassword, type SignInResult, signIn } from './cognito';
import { newPasswordProblem } from './validation';

export interface SignInFormProps {
  readonly target: CognitoTarget;
  readonly title: string;
  readonly description?: ReactNode;
  readonly onSignedIn: (idToken: string) => void;
  readonly secondaryAction?: ReactNode;
  /** Why the user is asked to sign in (again), shown above the form. */
  readonly notice?: string;
  /**
   * What users sign in with: operators with their email, tenant users with the username of
   * their welcome or invitation mail. @default 'email'
   */
  readonly signInWith?: 'email' | 'username';
}

export function SignInForm(props: SignInFormProps) {
  const { target, title, description, onSignedIn, secondaryAction, notice, signInWith = 'email' } = props;
  const userLabel = signInWith === 'email' ? 'Email' : 'Username';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<Extract<SignInResult, { kind: 'new-password-required' }>>();
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  const handle = (result: SignInResult) => {
    if (result.kind === 'signed-in') onSignedIn(result.idToken);
    else setChallenge(result);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    if (!challenge) {
      const problems: Record<string, string> = {};
      if (!email.trim()) problems.email = `Enter your ${userLabel.toLowerCase()}.`;
      if (!password) problems.password = 'Enter your password.';
      setFieldErrors(problems);
      if (Object.keys(problems).length > 0) return;
    } else {
      const problems: Record<string, string> = {};
      const weak = newPasswordProblem(newPassword);
      if (weak) problems.newPassword = weak;
      if (confirm !== newPassword) problems.confirm = 'The passwords do not match.';
      setFieldErrors(problems);
      if (Object.keys(problems).length > 0) return;
    }
    setBusy(true);
    try {
      handle(
        challenge
          ? await completeNewPassword(target, challenge.username, challenge.session, newPassword)
          : await signIn(target, email.trim(), password),
      );
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="tf-narrow">
      {notice && (
        <div className="tf-notice">
          <Alert type="info">{notice}</Alert>
        </div>
      )}
      <form onSubmit={submit} noValidate aria-label={challenge ? 'Choose a new password' : title}>
        <Form
          header={
            <Header
              variant="h1"
              description={challenge ? 'This is your first sign-in: choose your own password.' : description}
            >
              {challenge ? 'Choose a new password' : title}
            </Header>
          }
          errorText={error}
          errorIconAriaLabel="Error"
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              {secondaryAction}
              <Button variant="primary" formAction="submit" loading={busy}>
                {challenge ? 'Set password and sign in' : 'Sign in'}
              </Button>
            </SpaceBetween>
          }
        >
          <Container>
            {challenge ? (
              <SpaceBetween size="l">
                <Alert type="info">Signed in as {challenge.username} with a temporary password.</Alert>
                <FormField
                  label="New password"
                  errorText={fieldErrors.newPassword}
                  constraintText="At least 8 characters with upper- and lower-case letters, a digit and a symbol."
                >
                  <Input
                    type="password"
                    value={newPassword}
                    onChange={({ detail }) => setNewPassword(detail.value)}
                    autoComplete="new-password"
                    autoFocus
                  />
                </FormField>
                <FormField label="Confirm new password" errorText={fieldErrors.confirm}>
                  <Input
                    type="password"
                    value={confirm}
                    onChange={({ detail }) => setConfirm(detail.value)}
                    autoComplete="new-password"
                  />
                </FormField>
              </SpaceBetween>
            ) : (
              <SpaceBetween size="l">
                <FormField label={userLabel} errorText={fieldErrors.email}>
                  <Input
                    type={signInWith === 'email' ? 'email' : 'text'}
                    spellcheck={false}
                    value={email}
                    onChange={({ detail }) => setEmail(detail.value)}
                    autoComplete="username"
                    autoFocus
                  />
                </FormField>
                <FormField label="Password" errorText={fieldErrors.password}>
                  <Input
                    type="password"
                    value={password}
                    onChange={({ detail }) => setPassword(detail.value)}
                    autoComplete="current-password"
                  />
                </FormField>
              </SpaceBetween>
            )}
          </Container>
        </Form>
      </form>
    </main>
  );
}
