/** Products: list, create, edit, delete (with confirmation); the form validates with the API's rules. */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { type FormEvent, useState } from 'react';
import { ApiError, errorText } from '../shared/api';
import { formatMoney, formatTime } from '../shared/format';
import { useLoad } from '../shared/use-load';
import {
  type FieldErrors,
  fieldErrorsOf,
  type ProductValues,
  productBody,
  validateProduct,
} from '../shared/validation';
import type { TenantClient } from './client';
import type { Product } from './types';

const EMPTY: ProductValues = { name: '', price: '', sku: '', category: '' };

function ProductModal({
  product,
  onClose,
  onSave,
}: {
  product?: Product;
  onClose: () => void;
  onSave: (body: unknown) => Promise<void>;
}) {
  const [values, setValues] = useState<ProductValues>(
    product
      ? { name: product.name, price: String(product.price), sku: product.sku ?? '', category: product.category ?? '' }
      : EMPTY,
  );
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const clientErrors = validateProduct(values);
  const errorOf = (field: keyof ProductValues) => serverErrors[field] ?? (submitted ? clientErrors[field] : undefined);
  const set = (field: keyof ProductValues) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setServerErrors((e) => ({ ...e, [field]: undefined }));
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    setSubmitted(true);
    if (Object.keys(clientErrors).length > 0) return;
    setBusy(true);
    setError(undefined);
    try {
      await onSave(productBody(values));
    } catch (e) {
      if (e instanceof ApiError && e.fieldErrors.length > 0) setServerErrors(fieldErrorsOf(e.fieldErrors));
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      visible
      onDismiss={onClose}
      header={product ? `Edit ${product.name}` : 'Create product'}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
            <Button variant="primary" loading={busy} onClick={() => submit()}>
              {product ? 'Save' : 'Create'}
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <form onSubmit={submit} noValidate aria-label={product ? 'Edit product' : 'Create product'}>
        <Form errorText={error} errorIconAriaLabel="Error">
          <SpaceBetween size="m">
            <FormField label="Name" errorText={errorOf('name')}>
              <Input value={values.name} onChange={({ detail }) => set('name')(detail.value)} autoFocus />
            </FormField>
            <FormField label="Price" errorText={errorOf('price')} constraintText="In your currency, e.g. 12.50">
              <Input value={values.price} onChange={({ detail }) => set('price')(detail.value)} inputMode="decimal" />
            </FormField>
            <FormField
              label={
                <span>
                  SKU <i>- optional</i>
                </span>
              }
              errorText={errorOf('sku')}
            >
              <Input value={values.sku} onChange={({ detail }) => set('sku')(detail.value)} />
            </FormField>
            <FormField
              label={
                <span>
                  Category <i>- optional</i>
                </span>
              }
              errorText={errorOf('category')}
            >
              <Input value={values.category} onChange={({ detail }) => set('category')(detail.value)} />
            </FormField>
          </SpaceBetween>
          {/* Enter in a field submits. */}
          <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
        </Form>
      </form>
    </Modal>
  );
}

export function ProductsPage({ client }: { client: TenantClient }) {
  const products = useLoad((signal) => client.products(signal), [client]);
  const [selected, setSelected] = useState<Product[]>([]);
  const [editing, setEditing] = useState<Product | 'new'>();
  const [deleting, setDeleting] = useState<Product>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string }>();
  const items = [...(products.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const current = selected[0];

  const save = async (body: unknown) => {
    const saved =
      editing === 'new' || !editing
        ? await client.createProduct(body)
        : await client.updateProduct(editing.productId, body);
    setMessage({ type: 'success', text: `${editing === 'new' ? 'Created' : 'Saved'} ${saved.name}.` });
    setEditing(undefined);
    products.reload(true);
  };

  const remove = async () => {
    if (!deleting) return;
    setBusy(true);
    try {
      await client.deleteProduct(deleting.productId);
      setMessage({ type: 'success', text: `Deleted ${deleting.name}.` });
      setSelected([]);
      products.reload(true);
    } catch (e) {
      setMessage({ type: 'error', text: `Could not delete ${deleting.name}: ${errorText(e)}` });
    } finally {
      setBusy(false);
      setDeleting(undefined);
    }
  };

  return (
    <SpaceBetween size="m">
      {message && (
        <Alert type={message.type} dismissible onDismiss={() => setMessage(undefined)}>
          {message.text}
        </Alert>
      )}
      <Table<Product>
        variant="full-page"
        selectionType="single"
        selectedItems={selected}
        onSelectionChange={({ detail }) => setSelected(detail.selectedItems)}
        ariaLabels={{
          selectionGroupLabel: 'Product selection',
          itemSelectionLabel: (_s, p) => `Select ${p.name}`,
          allItemsSelectionLabel: () => 'Select all',
        }}
        trackBy="productId"
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={products.data ? `(${products.data.length})` : undefined}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button disabled={!current} onClick={() => setDeleting(current)}>
                  Delete
                </Button>
                <Button disabled={!current} onClick={() => setEditing(current)}>
                  Edit
                </Button>
                <Button variant="primary" onClick={() => setEditing('new')}>
                  Create product
                </Button>
              </SpaceBetween>
            }
          >
            Products
          </Header>
        }
        items={items}
        loading={products.loading}
        loadingText="Loading products"
        empty={
          <Box textAlign="center" padding="m">
            {products.error ? (
              <span role="alert">Could not load the products: {products.error}</span>
            ) : (
              <SpaceBetween size="s">
                <b>No products yet</b>
                <Button onClick={() => setEditing('new')}>Create product</Button>
              </SpaceBetween>
            )}
          </Box>
        }
        columnDefinitions={[
          { id: 'name', header: 'Name', cell: (p) => p.name },
          { id: 'price', header: 'Price', cell: (p) => formatMoney(p.price) },
          { id: 'sku', header: 'SKU', cell: (p) => p.sku ?? '—' },
          { id: 'category', header: 'Category', cell: (p) => p.category ?? '—' },
          { id: 'created', header: 'Created', cell: (p) => formatTime(p.createdAt) },
        ]}
      />
      {editing && (
        <ProductModal
          product={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSave={save}
        />
      )}
      <Modal
        visible={deleting !== undefined}
        onDismiss={() => setDeleting(undefined)}
        header="Delete product?"
        footer={
          <Box float="right">
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" onClick={() => setDeleting(undefined)}>
                Cancel
              </Button>
              <Button variant="primary" loading={busy} onClick={remove}>
                Delete
              </Button>
            </SpaceBetween>
          </Box>
        }
      >
        Delete <b>{deleting?.name}</b> permanently? Existing orders keep their lines.
      </Modal>
    </SpaceBetween>
  );
}
