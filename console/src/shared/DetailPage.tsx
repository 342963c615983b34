/**
 * The frame of a page about one thing (an execution, a release, a tenant): breadcrumbs, the
 * heading with its actions, and the loading and error states in words until the thing is loaded.
 * A failed refresh keeps what is shown and says so.
 */
import Alert from '@cloudscape-design/components/alert';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import type { ReactNode } from 'react';
import { follow } from './router';
import type { Loaded } from './use-load';

export interface DetailPageProps<T> {
  readonly loaded: Loaded<T>;
  /** What is loaded, for the loading and error texts ("the release"). */
  readonly what: string;
  /** From the list to this page. */
  readonly breadcrumbs: readonly { readonly text: string; readonly href: string }[];
  readonly title: string;
  readonly description?: ReactNode;
  readonly actions?: ReactNode;
  readonly children: (data: T) => ReactNode;
}

export function DetailPage<T>({
  loaded,
  what,
  breadcrumbs,
  title,
  description,
  actions,
  children,
}: DetailPageProps<T>) {
  const data = loaded.data;
  return (
    <ContentLayout
      breadcrumbs={<BreadcrumbGroup onFollow={follow} ariaLabel="Breadcrumbs" items={[...breadcrumbs]} />}
      header={
        <Header variant="h1" description={description} actions={actions}>
          {title}
        </Header>
      }
    >
      {loaded.loading && data === undefined ? (
        <StatusIndicator type="loading">Loading {what}</StatusIndicator>
      ) : data === undefined ? (
        <Alert
          type="error"
          header={`Could not load ${what}`}
          action={<Button onClick={() => loaded.reload()}>Try again</Button>}
        >
          {loaded.error}
        </Alert>
      ) : (
        <SpaceBetween size="l">
          {loaded.error && <Alert type="warning">Could not refresh: {loaded.error}</Alert>}
          {children(data)}
        </SpaceBetween>
      )}
    </ContentLayout>
  );
}
