/**
 * One execution: summary, the state machine graph coloured by step status (lazy-loaded), the
 * event history with input/output/error/cause, Redrive / Stop with confirmation, and Approve /
 * Reject while it waits for an operator. While the execution runs (or after an action) the page
 * refreshes itself.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ExpandableSection from '@cloudscape-design/components/expandable-section';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { lazy, Suspense, useMemo, useState } from 'react';
import { ConfirmModal } from '../../shared/ConfirmModal';
import { DetailPage } from '../../shared/DetailPage';
import { formatDuration, formatTime } from '../../shared/format';
import { follow } from '../../shared/router';
import { useConfirmedAction } from '../../shared/use-confirmed-action';
import { useFlash } from '../../shared/use-flash';
import { useLoad, useRefreshWhile } from '../../shared/use-load';
import { useApprovalDialogs } from '../approvals/use-approval-dialogs';
import type { OperatorClient } from '../client';
import { aslToGraph, type ExecutionEvent, stateStatuses, takenTransitions } from '../graph/asl-graph';
import { STATUS_ORDER, StateStatus } from '../graph/state-status';
import { approveText, executionTitle } from '../lifecycle-words';
import { ExecutionStatus } from '../status';
import { executionLogsHref } from '../telemetry/TenantLogsPage';

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
  const confirm = useConfirmedAction<Action>();
  const flash = useFlash();
  const [watchUntil, setWatchUntil] = useState(0);
  const [stateFilter, setStateFilter] = useState<string>('');

  const data = execution.data;
  const running = data?.status === 'RUNNING';

  // Live refresh: while running, and for a while after an action (the status changes shortly after);
  // slower while it waits for an operator, which may take days.
  useRefreshWhile(execution, running || Date.now() < watchUntil, data?.awaitingApproval ? 3000 : 1000);

  const approval = useApprovalDialogs(client, (_waiting, answer) => {
    flash.success(
      'reason' in answer
        ? 'Rejected: the execution ends without changing anything.'
        : 'Approved: the execution continues.',
    );
    setWatchUntil(Date.now() + 15_000);
    execution.reload(true);
  });
  const waiting = data && {
    target: { executionId },
    label: data.tenantName ?? data.tenantId ?? executionId,
    onApprove: approveText(data.kind),
  };

  const graph = useMemo(() => {
    if (!data) return undefined;
    try {
      return { graph: aslToGraph(data.definition, stateStatuses(data.events), takenTransitions(data.events)) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }, [data]);

  const act = () =>
    confirm.run(async (action) => {
      await (action === 'redrive' ? client.redrive(executionId) : client.stop(executionId));
      flash.success(
        action === 'redrive' ? 'Redrive started: the execution restarts from the step that failed.' : 'Stop requested.',
      );
      setWatchUntil(Date.now() + 15_000);
      execution.reload(true);
    });

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
    <DetailPage
      loaded={execution}
      what="the execution"
      breadcrumbs={[
        { text: 'Executions', href: '/executions' },
        { text: data?.tenantName ?? executionId, href: `/executions/${encodeURIComponent(executionId)}` },
      ]}
      title={data ? executionTitle(data) : 'Execution'}
      description={data ? `${data.kind} execution ${data.executionId}` : undefined}
      actions={
        <SpaceBetween direction="horizontal" size="xs">
          <Button iconName="refresh" ariaLabel="Refresh" onClick={() => execution.reload(true)} />
          <Button disabled={!running} onClick={() => confirm.ask('stop')}>
            Stop
          </Button>
          <Button variant="primary" disabled={!canRedrive} onClick={() => confirm.ask('redrive')}>
            Redrive
          </Button>
        </SpaceBetween>
      }
    >
      {(data) => (
        <>
          {flash.alert}
          {data.awaitingApproval && waiting && (
            <Alert
              type="info"
              header="Waiting for an operator's approval"
              action={
                <SpaceBetween direction="horizontal" size="xs">
                  <Button onClick={() => approval.askReject(waiting)}>Reject</Button>
                  <Button variant="primary" onClick={() => approval.askApprove(waiting)}>
                    Approve
                  </Button>
                </SpaceBetween>
              }
            >
              Nothing more happens until it is answered. On approval: {waiting.onApprove.charAt(0).toLowerCase()}
              {waiting.onApprove.slice(1)}
            </Alert>
          )}
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
                {
                  label: 'Telemetry',
                  value: data.tenantId ? (
                    <SpaceBetween direction="horizontal" size="s">
                      <Link href={executionLogsHref(data.tenantId, data)} onFollow={follow}>
                        Tenant’s log lines while it ran
                      </Link>
                      <Link href={`/tenants/${encodeURIComponent(data.tenantId)}`} onFollow={follow}>
                        Tenant’s recent requests
                      </Link>
                    </SpaceBetween>
                  ) : (
                    '—'
                  ),
                },
              ]}
            />
          </Container>
          <Container
            header={
              <Header
                variant="h2"
                description="Each state shows its status; bold edges are the path the execution took, dashed red edges are Catch paths. Drag or scroll to pan, use the buttons to zoom or fit. Select a state to see its events."
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
                  {STATUS_ORDER.map((s) => (
                    <span key={s} className={`tf-legend-item tf-status-${s}`}>
                      <span className="tf-swatch" aria-hidden="true" />
                      <StateStatus status={s} />
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
          <ConfirmModal
            action={confirm}
            header={confirm.target === 'redrive' ? 'Redrive this execution?' : 'Stop this execution?'}
            confirmText={confirm.target === 'redrive' ? 'Redrive' : 'Stop execution'}
            onConfirm={act}
          >
            {confirm.target === 'redrive' ? (
              <>
                The execution restarts from <b>{data?.failedStep ?? 'the step that failed'}</b>. Steps that already
                succeeded are not run again.
              </>
            ) : (
              'The running execution is stopped where it is. You can redrive it later.'
            )}
          </ConfirmModal>
          {approval.dialogs}
        </>
      )}
    </DetailPage>
  );
}
