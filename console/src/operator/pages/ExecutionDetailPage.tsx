/**
 * One execution: summary, the state machine graph coloured by step status (lazy-loaded), the
 * event history with input/output/error/cause, and Redrive / Stop with confirmation. While the
 * execution runs (or after an action) the page refreshes itself.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import ExpandableSection from '@cloudscape-design/components/expandable-section';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import Modal from '@cloudscape-design/components/modal';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { errorText } from '../../shared/api';
import { formatDuration, formatTime } from '../../shared/format';
import { follow } from '../../shared/router';
import { useLoad } from '../../shared/use-load';
import type { OperatorClient } from '../client';
import { aslToGraph, type ExecutionEvent, STATUS_LABELS, stateStatuses } from '../graph/asl-graph';
import { ExecutionStatus } from '../status';

const StateGraphView = lazy(() => import('../graph/StateGraphView'));

type Action = 'redrive' | 'stop';

function pretty(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

function EventDetails({ event }: { event: ExecutionEvent }) {
  const parts: [string, unknown][] = [
    ['Error', event.error],
    ['Cause', event.cause],
    ['Input', event.input],
    ['Output', event.output],
  ];
  const shown = parts.filter(([, v]) => v !== undefined && v !== '');
  if (shown.length === 0) return <Box color="text-status-inactive">No details</Box>;
  return (
    <ExpandableSection
      headerText={event.error ? `Error: ${event.error}` : shown.map(([k]) => k).join(', ')}
      variant="footer"
    >
      <SpaceBetween size="s">
        {shown.map(([label, value]) => (
          <div key={label}>
            <Box variant="awsui-key-label">{label}</Box>
            <pre className="tf-pre">{pretty(value)}</pre>
          </div>
        ))}
      </SpaceBetween>
    </ExpandableSection>
  );
}

export function ExecutionDetailPage({ client, executionId }: { client: OperatorClient; executionId: string }) {
  const execution = useLoad((signal) => client.execution(executionId, signal), [client, executionId]);
  const [confirm, setConfirm] = useState<Action>();
  const [acting, setActing] = useState(false);
  const [actionError, setActionError] = useState<string>();
  const [flash, setFlash] = useState<string>();
  const [watchUntil, setWatchUntil] = useState(0);
  const [stateFilter, setStateFilter] = useState<string>('');

  const data = execution.data;
  const running = data?.status === 'RUNNING';

  // Live refresh: while running, and for a while after an action (the status changes shortly after).
  useEffect(() => {
    if (!running && Date.now() > watchUntil) return;
    const timer = setTimeout(() => execution.reload(true), 1000);
    return () => clearTimeout(timer);
  }, [running, watchUntil, execution]);

  const graph = useMemo(() => {
    if (!data) return undefined;
    try {
      return { graph: aslToGraph(data.definition, stateStatuses(data.events)) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }, [data]);

  const act = async (action: Action) => {
    setActing(true);
    setActionError(undefined);
    try {
      await (action === 'redrive' ? client.redrive(executionId) : client.stop(executionId));
      setConfirm(undefined);
      setFlash(
        action === 'redrive' ? 'Redrive started: the execution restarts from the step that failed.' : 'Stop requested.',
      );
      setWatchUntil(Date.now() + 15_000);
      execution.reload(true);
    } catch (error) {
      setActionError(errorText(error));
    } finally {
      setActing(false);
    }
  };

  const canRedrive = data?.status === 'FAILED' || data?.status === 'ABORTED' || data?.status === 'TIMED_OUT';
  const events = (data?.events ?? []).filter((e) => !stateFilter || e.stateName === stateFilter);
  const stateOptions: SelectProps.Option[] = [
    { value: '', label: 'All states' },
    ...[...new Set((data?.events ?? []).map((e) => e.stateName).filter((n): n is string => !!n))].map((n) => ({
      value: n,
      label: n,
    })),
  ];

  return (
    <ContentLayout
      breadcrumbs={
        <BreadcrumbGroup
          onFollow={follow}
          items={[
            { text: 'Executions', href: '/executions' },
            { text: data?.tenantName ?? executionId, href: `/executions/${encodeURIComponent(executionId)}` },
          ]}
          ariaLabel="Breadcrumbs"
        />
      }
      header={
        <Header
          variant="h1"
          description={data ? `${data.kind} execution ${data.executionId}` : undefined}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button iconName="refresh" ariaLabel="Refresh" onClick={() => execution.reload(true)} />
              <Button disabled={!running} onClick={() => setConfirm('stop')}>
                Stop
              </Button>
              <Button variant="primary" disabled={!canRedrive} onClick={() => setConfirm('redrive')}>
                Redrive
              </Button>
            </SpaceBetween>
          }
        >
          {data ? `Onboarding of ${data.tenantName ?? data.tenantId ?? 'tenant'}` : 'Execution'}
        </Header>
      }
    >
      {execution.loading && !data ? (
        <StatusIndicator type="loading">Loading the execution</StatusIndicator>
      ) : execution.error && !data ? (
        <Alert
          type="error"
          header="Could not load the execution"
          action={<Button onClick={() => execution.reload()}>Try again</Button>}
        >
          {execution.error}
        </Alert>
      ) : data ? (
        <SpaceBetween size="l">
          {flash && (
            <Alert type="success" dismissible onDismiss={() => setFlash(undefined)}>
              {flash}
            </Alert>
          )}
          {execution.error && <Alert type="warning">Could not refresh: {execution.error}</Alert>}
          <Container header={<Header variant="h2">Summary</Header>}>
            <KeyValuePairs
              columns={4}
              items={[
                {
                  label: 'Status',
                  value: (
                    <span data-testid="execution-status">
                      <ExecutionStatus status={data.status} />
                    </span>
                  ),
                },
                {
                  label: 'Tenant',
                  value: data.tenantId ? (
                    <Link href={`/tenants/${encodeURIComponent(data.tenantId)}`} onFollow={follow}>
                      {data.tenantName ?? data.tenantId}
                    </Link>
                  ) : (
                    '—'
                  ),
                },
                { label: 'Started', value: formatTime(data.startedAt) },
                { label: 'Duration', value: formatDuration(data.startedAt, data.stoppedAt) },
                { label: 'Failed step', value: data.failedStep ?? '—' },
                { label: 'Error', value: data.error ?? '—' },
                { label: 'Ended', value: formatTime(data.stoppedAt) },
                { label: 'Events', value: String(data.events.length) },
              ]}
            />
          </Container>
          <Container
            header={
              <Header
                variant="h2"
                description="Nodes are coloured by step status; dashed red edges are Catch paths. Select a state to see its events."
              >
                Graph
              </Header>
            }
          >
            {graph?.graph ? (
              <Suspense fallback={<StatusIndicator type="loading">Loading the graph</StatusIndicator>}>
                <StateGraphView
                  graph={graph.graph}
                  selected={stateFilter || undefined}
                  onSelect={(name) => setStateFilter(name.startsWith('__') ? '' : name)}
                />
              </Suspense>
            ) : (
              <Alert type="warning">The state machine cannot be drawn: {graph?.error ?? 'no definition'}</Alert>
            )}
            {graph?.graph && (
              <Box margin={{ top: 's' }} fontSize="body-s" color="text-body-secondary">
                <span className="tf-legend">
                  {(['succeeded', 'failed', 'caught', 'running', 'aborted', 'not-run'] as const).map((s) => (
                    <span key={s} className={`tf-legend-item tf-node-${s}`}>
                      {STATUS_LABELS[s]}
                    </span>
                  ))}
                </span>
              </Box>
            )}
          </Container>
          <Table<ExecutionEvent>
            variant="container"
            header={
              <Header variant="h2" counter={`(${events.length})`}>
                Event history
              </Header>
            }
            filter={
              <Select
                selectedOption={
                  stateOptions.find((o) => o.value === stateFilter) ?? (stateOptions[0] as SelectProps.Option)
                }
                options={stateOptions}
                onChange={({ detail }) => setStateFilter(detail.selectedOption.value ?? '')}
                ariaLabel="Show the events of one state"
              />
            }
            items={events}
            trackBy={(e) => String(e.id)}
            wrapLines
            empty={<Box textAlign="center">No events.</Box>}
            columnDefinitions={[
              { id: 'id', header: 'ID', cell: (e) => e.id, width: 64 },
              {
                id: 'type',
                header: 'Type',
                cell: (e) =>
                  /(Failed|TimedOut|Aborted)$/.test(e.type) ? <Box color="text-status-error">{e.type}</Box> : e.type,
              },
              { id: 'state', header: 'State', cell: (e) => e.stateName ?? '—' },
              { id: 'time', header: 'Time', cell: (e) => formatTime(e.timestamp) },
              { id: 'details', header: 'Details', cell: (e) => <EventDetails event={e} />, minWidth: 240 },
            ]}
          />
        </SpaceBetween>
      ) : (
        <Spinner />
      )}
      <Modal
        visible={confirm !== undefined}
        onDismiss={() => {
          setConfirm(undefined);
          setActionError(undefined);
        }}
        header={confirm === 'redrive' ? 'Redrive this execution?' : 'Stop this execution?'}
        footer={
          <Box float="right">
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" onClick={() => setConfirm(undefined)}>
                Cancel
              </Button>
              <Button variant="primary" loading={acting} onClick={() => confirm && act(confirm)}>
                {confirm === 'redrive' ? 'Redrive' : 'Stop execution'}
              </Button>
            </SpaceBetween>
          </Box>
        }
      >
        <SpaceBetween size="s">
          {confirm === 'redrive' ? (
            <Box>
              The execution restarts from <b>{data?.failedStep ?? 'the step that failed'}</b>. Steps that already
              succeeded are not run again.
            </Box>
          ) : (
            <Box>The running execution is stopped where it is. You can redrive it later.</Box>
          )}
          {actionError && <Alert type="error">{actionError}</Alert>}
        </SpaceBetween>
      </Modal>
    </ContentLayout>
  );
}
