/**
 * A tenant admin's users: list, create (the API's own rules inline, the server's 400/409 on the
 * field they concern), view one, and disable/enable with confirmation. New users are mailed a
 * temporary password and choose their own at first sign-in.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import Modal from '@cloudscape-design/components/modal';
import RadioGroup from '@cloudscape-design/components/radio-group';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { useState } from 'react';
import { ConfirmModal } from '../shared/ConfirmModal';
import { FormModal } from '../shared/FormModal';
import { formatTime } from '../shared/format';
import { ResourceTable } from '../shared/ResourceTable';
import { useConfirmedAction } from '../shared/use-confirmed-action';
import { useFlash } from '../shared/use-flash';
import { useForm } from '../shared/use-form';
import { useLoad } from '../shared/use-load';
import { type NewUserValues, newUserBody, validateNewUser } from '../shared/validation';
import type { UsersClient } from './client';
import type { NewUser, TenantUser } from './types';

const ROLE_TEXT: Record<string, string> = { TenantAdmin: 'Administrator', TenantUser: 'User' };
const STATUS_TEXT: Record<string, string> = {
  FORCE_CHANGE_PASSWORD: 'Invited (has not signed in yet)',
  CONFIRMED: 'Signed in before',
};

/** Disabled, invited (has not chosen a password yet) or active. */
function UserStatus({ user }: { user: TenantUser }) {
  if (!user.enabled) return <StatusIndicator type="stopped">Disabled</StatusIndicator>;
  if (user.status === 'FORCE_CHANGE_PASSWORD') return <StatusIndicator type="pending">Invited</StatusIndicator>;
  return <StatusIndicator type="success">Active</StatusIndicator>;
}

function CreateUserModal({ onClose, onCreate }: { onClose: () => void; onCreate: (user: NewUser) => Promise<void> }) {
  const form = useForm<NewUserValues>({ username: '', email: '', role: 'TenantUser' }, validateNewUser);
  return (
    <FormModal
      header="Create user"
      submitText="Create user"
      busy={form.busy}
      error={form.error}
      onSubmit={() => form.submit((values) => onCreate(newUserBody(values) as unknown as NewUser))}
      onDismiss={onClose}
    >
      <SpaceBetween size="m">
        <FormField
          label="Username"
          errorText={form.errorOf('username')}
          constraintText="3 to 63 letters, digits, '.', '_' or '-'. They sign in with it."
        >
          <Input
            value={form.values.username}
            onChange={({ detail }) => form.set('username')(detail.value)}
            autoFocus
            autoComplete="off"
            spellcheck={false}
          />
        </FormField>
        <FormField
          label="Email"
          errorText={form.errorOf('email')}
          description="The invitation with a temporary password goes here."
        >
          <Input
            type="email"
            value={form.values.email}
            onChange={({ detail }) => form.set('email')(detail.value)}
            autoComplete="off"
          />
        </FormField>
        <FormField label="Role" errorText={form.errorOf('role')}>
          <RadioGroup
            ariaLabel="Role"
            value={form.values.role}
            onChange={({ detail }) => form.set('role')(detail.value)}
            items={[
              { value: 'TenantUser', label: 'User', description: 'Works with products and orders.' },
              { value: 'TenantAdmin', label: 'Administrator', description: 'Also manages the users.' },
            ]}
          />
        </FormField>
      </SpaceBetween>
    </FormModal>
  );
}

function UserModal({ client, username, onClose }: { client: UsersClient; username: string; onClose: () => void }) {
  const user = useLoad((signal) => client.user(username, signal), [client, username]);
  const u = user.data;
  return (
    <Modal
      visible
      onDismiss={onClose}
      header={`User ${username}`}
      footer={
        <Box float="right">
          <Button onClick={onClose}>Close</Button>
        </Box>
      }
    >
      {user.loading ? (
        <StatusIndicator type="loading">Loading the user</StatusIndicator>
      ) : !u ? (
        <Alert type="error">Could not load the user: {user.error}</Alert>
      ) : (
        <KeyValuePairs
          columns={2}
          items={[
            { label: 'Username', value: u.username },
            { label: 'Email', value: u.email ?? '—' },
            { label: 'Role', value: ROLE_TEXT[u.role ?? ''] ?? u.role ?? '—' },
            { label: 'Status', value: <UserStatus user={u} /> },
            { label: 'Sign-in status', value: STATUS_TEXT[u.status ?? ''] ?? u.status ?? '—' },
            { label: 'Created', value: formatTime(u.createdAt) },
          ]}
        />
      )}
    </Modal>
  );
}

/** `self` is the signed-in admin's username: the API refuses to disable it, so the button does too. */
export function UsersPage({ client, self }: { client: UsersClient; self: string }) {
  const users = useLoad((signal) => client.users(signal), [client]);
  const [selected, setSelected] = useState<TenantUser[]>([]);
  const [creating, setCreating] = useState(false);
  const [viewing, setViewing] = useState<string>();
  const toggling = useConfirmedAction<TenantUser>();
  const flash = useFlash();
  const current = selected[0] ? users.data?.find((u) => u.username === selected[0]?.username) : undefined;
  const isSelf = current?.username.toLowerCase() === self.toLowerCase();

  const create = async (user: NewUser) => {
    const created = await client.createUser(user);
    setCreating(false);
    flash.success(`Created ${created.username}. An invitation with a temporary password was mailed to ${user.email}.`);
    users.reload(true);
  };

  const toggle = () =>
    toggling.run(async (user) => {
      const updated = await client.setEnabled(user.username, !user.enabled);
      flash.success(`${updated.username} is now ${updated.enabled ? 'enabled' : 'disabled'}.`);
      users.reload(true);
    });

  return (
    <SpaceBetween size="m">
      {flash.alert}
      <ResourceTable<TenantUser>
        title="Users"
        noun="users"
        loaded={users}
        trackBy="username"
        refreshable
        sort={(a, b) => a.username.localeCompare(b.username)}
        searchText={(u) => [u.username, u.email, ROLE_TEXT[u.role ?? '']]}
        selection={{ selected, onChange: setSelected, labelOf: (u) => u.username }}
        actions={
          <>
            <Button disabled={!current || (current.enabled && isSelf)} onClick={() => current && toggling.ask(current)}>
              {current && !current.enabled ? 'Enable' : 'Disable'}
            </Button>
            <Button variant="primary" onClick={() => setCreating(true)}>
              Create user
            </Button>
          </>
        }
        empty="No users yet."
        columns={[
          {
            id: 'username',
            header: 'Username',
            cell: (u) => (
              <Link
                href="#"
                onFollow={(e) => {
                  e.preventDefault();
                  setViewing(u.username);
                }}
                ariaLabel={`View user ${u.username}`}
              >
                {u.username}
              </Link>
            ),
          },
          { id: 'email', header: 'Email', cell: (u) => u.email ?? '—' },
          { id: 'role', header: 'Role', cell: (u) => ROLE_TEXT[u.role ?? ''] ?? u.role ?? '—' },
          { id: 'status', header: 'Status', cell: (u) => <UserStatus user={u} /> },
          { id: 'created', header: 'Created', cell: (u) => formatTime(u.createdAt) },
        ]}
      />
      {isSelf && current?.enabled && (
        <Box color="text-body-secondary" fontSize="body-s">
          You cannot disable your own user.
        </Box>
      )}
      {creating && <CreateUserModal onClose={() => setCreating(false)} onCreate={create} />}
      {viewing && <UserModal client={client} username={viewing} onClose={() => setViewing(undefined)} />}
      <ConfirmModal
        action={toggling}
        header={`${toggling.target?.enabled ? 'Disable' : 'Enable'} ${toggling.target?.username ?? 'user'}?`}
        confirmText={toggling.target?.enabled ? 'Disable user' : 'Enable user'}
        onConfirm={toggle}
      >
        {toggling.target?.enabled
          ? 'They can no longer sign in; their data stays. You can enable them again at any time.'
          : 'They can sign in again with their password.'}
      </ConfirmModal>
    </SpaceBetween>
  );
}
