/** Products: list, create, edit, delete (with confirmation); the form validates with the API's rules. */
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { ConfirmModal } from '../shared/ConfirmModal';
import { FormModal } from '../shared/FormModal';
import { formatMoney, formatTime } from '../shared/format';
import { ResourceTable } from '../shared/ResourceTable';
import { useConfirmedAction } from '../shared/use-confirmed-action';
import { useFlash } from '../shared/use-flash';
import { useForm } from '../shared/use-form';
import { useLoad } from '../shared/use-load';
import { type ProductValues, productBody, validateProduct } from '../shared/validation';
import type { TenantClient } from './client';
import type { Product } from './types';

const optional = (label: string) => (
  <span>
    {label} <i>- optional</i>
  </span>
);

function ProductModal({
  product,
  onClose,
  onSave,
}: {
  product?: Product;
  onClose: () => void;
  onSave: (body: unknown) => Promise<void>;
}) {
  const form = useForm<ProductValues>(
    {
      name: product?.name ?? '',
      price: product ? String(product.price) : '',
      sku: product?.sku ?? '',
      category: product?.category ?? '',
    },
    validateProduct,
  );
  return (
    <FormModal
      header={product ? `Edit ${product.name}` : 'Create product'}
      submitText={product ? 'Save' : 'Create'}
      busy={form.busy}
      error={form.error}
      onSubmit={() => form.submit((values) => onSave(productBody(values)))}
      onDismiss={onClose}
    >
      <SpaceBetween size="m">
        <FormField label="Name" errorText={form.errorOf('name')}>
          <Input value={form.values.name} onChange={({ detail }) => form.set('name')(detail.value)} autoFocus />
        </FormField>
        <FormField label="Price" errorText={form.errorOf('price')} constraintText="In your currency, e.g. 12.50">
          <Input
            value={form.values.price}
            onChange={({ detail }) => form.set('price')(detail.value)}
            inputMode="decimal"
          />
        </FormField>
        <FormField label={optional('SKU')} errorText={form.errorOf('sku')}>
          <Input value={form.values.sku} onChange={({ detail }) => form.set('sku')(detail.value)} />
        </FormField>
        <FormField label={optional('Category')} errorText={form.errorOf('category')}>
          <Input value={form.values.category} onChange={({ detail }) => form.set('category')(detail.value)} />
        </FormField>
      </SpaceBetween>
    </FormModal>
  );
}

export function ProductsPage({ client }: { client: TenantClient }) {
  const products = useLoad((signal) => client.products(signal), [client]);
  const [selected, setSelected] = useState<Product[]>([]);
  const [editing, setEditing] = useState<Product | 'new'>();
  const deleting = useConfirmedAction<Product>();
  const flash = useFlash();
  const current = selected[0];

  const save = async (body: unknown) => {
    const saved =
      editing === 'new' || !editing
        ? await client.createProduct(body)
        : await client.updateProduct(editing.productId, body);
    flash.success(`${editing === 'new' ? 'Created' : 'Saved'} ${saved.name}.`);
    setEditing(undefined);
    products.reload(true);
  };

  const remove = (product: Product) =>
    deleting.run(async () => {
      await client.deleteProduct(product.productId);
      flash.success(`Deleted ${product.name}.`);
      setSelected([]);
      products.reload(true);
    });

  return (
    <SpaceBetween size="m">
      {flash.alert}
      <ResourceTable<Product>
        title="Products"
        noun="products"
        loaded={products}
        trackBy="productId"
        sort={(a, b) => a.name.localeCompare(b.name)}
        selection={{ selected, onChange: setSelected, labelOf: (p) => p.name }}
        actions={
          <>
            <Button disabled={!current} onClick={() => current && deleting.ask(current)}>
              Delete
            </Button>
            <Button disabled={!current} onClick={() => setEditing(current)}>
              Edit
            </Button>
            <Button variant="primary" onClick={() => setEditing('new')}>
              Create product
            </Button>
          </>
        }
        empty={
          <SpaceBetween size="s">
            <b>No products yet</b>
            <Button onClick={() => setEditing('new')}>Create product</Button>
          </SpaceBetween>
        }
        columns={[
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
      <ConfirmModal
        action={deleting}
        header="Delete product?"
        confirmText="Delete"
        onConfirm={() => deleting.target && remove(deleting.target)}
      >
        Delete <b>{deleting.target?.name}</b> permanently? Existing orders keep their lines.
      </ConfirmModal>
    </SpaceBetween>
  );
}
