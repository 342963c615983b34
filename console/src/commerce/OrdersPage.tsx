/** Orders: list, create from the tenant's products (lines with quantities), view one. */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Link from '@cloudscape-design/components/link';
import Modal from '@cloudscape-design/components/modal';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { errorText } from '../shared/api';
import { FormModal } from '../shared/FormModal';
import { formatMoney, formatTime } from '../shared/format';
import { ResourceTable } from '../shared/ResourceTable';
import { useFlash } from '../shared/use-flash';
import { useLoad } from '../shared/use-load';
import type { TenantClient } from './client';
import type { Order, Product } from './types';

interface DraftLine {
  readonly key: number;
  productId: string;
  quantity: string;
}

/** Problems of a draft order, per line, in words (undefined when it can be sent). */
export function orderProblems(lines: readonly { productId: string; quantity: string }[]): string[] | undefined {
  const problems = lines.map((line) => {
    if (!line.productId) return 'Choose a product.';
    const q = Number(line.quantity);
    if (!Number.isInteger(q) || q < 1 || q > 10_000) return 'Quantity must be a whole number from 1 to 10,000.';
    return '';
  });
  return problems.some(Boolean) || lines.length === 0 ? problems : undefined;
}

function CreateOrderModal({
  products,
  onClose,
  onCreate,
}: {
  products: readonly Product[];
  onClose: () => void;
  onCreate: (lines: { productId: string; quantity: number }[]) => Promise<void>;
}) {
  const [lines, setLines] = useState<DraftLine[]>([{ key: 0, productId: '', quantity: '1' }]);
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const problems = orderProblems(lines);
  const options = products.map((p) => ({ value: p.productId, label: p.name, description: formatMoney(p.price) }));
  const total = lines.reduce(
    (sum, line) =>
      sum + (products.find((p) => p.productId === line.productId)?.price ?? 0) * (Number(line.quantity) || 0),
    0,
  );
  const update = (key: number, patch: Partial<DraftLine>) =>
    setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...patch } : l)));

  const submit = async () => {
    setSubmitted(true);
    if (problems) return;
    setBusy(true);
    setError(undefined);
    try {
      await onCreate(lines.map((l) => ({ productId: l.productId, quantity: Number(l.quantity) })));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormModal
      size="large"
      header="Create order"
      submitText="Place order"
      busy={busy}
      submitDisabled={products.length === 0}
      error={error}
      onSubmit={submit}
      onDismiss={onClose}
      footerInfo={<Box>Estimated total: {formatMoney(total)}</Box>}
    >
      {products.length === 0 ? (
        <Alert type="info">Create a product first: an order is made of your products.</Alert>
      ) : (
        <SpaceBetween size="m">
          {lines.map((line, index) => (
            <SpaceBetween key={line.key} direction="horizontal" size="s" alignItems="end">
              <FormField
                label={`Product, line ${index + 1}`}
                errorText={submitted && problems?.[index]?.startsWith('Choose') ? problems[index] : undefined}
              >
                <Select
                  selectedOption={options.find((o) => o.value === line.productId) ?? null}
                  options={options}
                  placeholder="Choose a product"
                  onChange={({ detail }) => update(line.key, { productId: detail.selectedOption.value ?? '' })}
                  filteringType="auto"
                />
              </FormField>
              <FormField
                label={`Quantity, line ${index + 1}`}
                errorText={submitted && problems?.[index]?.startsWith('Quantity') ? problems[index] : undefined}
              >
                <Input
                  type="number"
                  inputMode="numeric"
                  value={line.quantity}
                  onChange={({ detail }) => update(line.key, { quantity: detail.value })}
                />
              </FormField>
              <Button
                formAction="none"
                iconName="remove"
                ariaLabel={`Remove line ${index + 1}`}
                disabled={lines.length === 1}
                onClick={() => setLines((ls) => ls.filter((l) => l.key !== line.key))}
              />
            </SpaceBetween>
          ))}
          <Button
            formAction="none"
            iconName="add-plus"
            onClick={() =>
              setLines((ls) => [...ls, { key: Math.max(...ls.map((l) => l.key)) + 1, productId: '', quantity: '1' }])
            }
          >
            Add line
          </Button>
        </SpaceBetween>
      )}
    </FormModal>
  );
}

function OrderModal({ order, products, onClose }: { order: Order; products: readonly Product[]; onClose: () => void }) {
  return (
    <Modal
      visible
      onDismiss={onClose}
      header={`Order ${order.orderId}`}
      footer={
        <Box float="right">
          <Button onClick={onClose}>Close</Button>
        </Box>
      }
    >
      <SpaceBetween size="s">
        <Box>
          Status {order.status} · placed {formatTime(order.createdAt)} · total <b>{formatMoney(order.total)}</b>
        </Box>
        <Table
          variant="embedded"
          items={[...order.lines]}
          columnDefinitions={[
            {
              id: 'product',
              header: 'Product',
              cell: (l) => l.name ?? products.find((p) => p.productId === l.productId)?.name ?? l.productId,
            },
            { id: 'quantity', header: 'Quantity', cell: (l) => l.quantity },
            {
              id: 'price',
              header: 'Unit price',
              cell: (l) => (l.unitPrice === undefined ? '—' : formatMoney(l.unitPrice)),
            },
          ]}
        />
      </SpaceBetween>
    </Modal>
  );
}

export function OrdersPage({ client }: { client: TenantClient }) {
  const orders = useLoad((signal) => client.orders(signal), [client]);
  const products = useLoad((signal) => client.products(signal), [client]);
  const [creating, setCreating] = useState(false);
  const [viewing, setViewing] = useState<Order>();
  const flash = useFlash();

  const create = async (lines: { productId: string; quantity: number }[]) => {
    const order = await client.createOrder(lines);
    setCreating(false);
    flash.success(`Order placed: total ${formatMoney(order.total)}.`);
    orders.reload(true);
  };

  return (
    <SpaceBetween size="m">
      {flash.alert}
      <ResourceTable<Order>
        title="Orders"
        noun="orders"
        loaded={orders}
        trackBy="orderId"
        sort={(a, b) => b.createdAt.localeCompare(a.createdAt)}
        actions={
          <Button variant="primary" onClick={() => setCreating(true)} disabled={products.loading}>
            Create order
          </Button>
        }
        empty="No orders yet."
        columns={[
          {
            id: 'order',
            header: 'Order',
            cell: (o) => (
              <Link
                onFollow={(e) => {
                  e.preventDefault();
                  setViewing(o);
                }}
                href="#"
                ariaLabel={`View order ${o.orderId}`}
              >
                {o.orderId.slice(0, 8)}
              </Link>
            ),
          },
          { id: 'lines', header: 'Items', cell: (o) => o.lines.reduce((n, l) => n + l.quantity, 0) },
          { id: 'total', header: 'Total', cell: (o) => formatMoney(o.total) },
          { id: 'status', header: 'Status', cell: (o) => o.status },
          { id: 'created', header: 'Placed', cell: (o) => formatTime(o.createdAt) },
        ]}
      />
      {products.error && <Alert type="warning">Could not load the products for new orders: {products.error}</Alert>}
      {creating && (
        <CreateOrderModal products={products.data ?? []} onClose={() => setCreating(false)} onCreate={create} />
      )}
      {viewing && <OrderModal order={viewing} products={products.data ?? []} onClose={() => setViewing(undefined)} />}
    </SpaceBetween>
  );
}
