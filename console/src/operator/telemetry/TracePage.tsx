/**
 * One trace as a waterfall: a row per segment and subsegment (the stage, the authorizer, the
 * function, each SDK call), indented by depth, its bar placed by its start and sized by its
 * duration on the trace's time axis, coloured by outcome.
 */
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import { DetailPage } from '../../shared/DetailPage';
import { formatTime } from '../../shared/format';
import { follow } from '../../shared/router';
import { useLoad } from '../../shared/use-load';
import type { OperatorClient } from '../client';
import type { TraceDetail } from '../types';
import { OutcomeBadges } from './RecentRequestsTable';
import { barClassOf, barOf, detailOf, formatMs } from './waterfall';

function Waterfall({ trace }: { trace: TraceDetail }) {
  return (
    <table className="tf-wf" aria-label="Segments of the trace">
      <thead>
        <tr>
          <th>Segment</th>
          <th>Start</th>
          <th>Duration</th>
          <th className="tf-wf-axis">Timeline (0 – {formatMs(trace.durationMs)})</th>
        </tr>
      </thead>
      <tbody>
        {trace.segments.map((segment) => {
          const bar = barOf(segment, trace.durationMs);
          return (
            <tr key={segment.id} data-testid="waterfall-row" data-name={segment.name} data-depth={segment.depth}>
              <td className="tf-wf-name" style={{ paddingLeft: `${segment.depth * 16}px` }}>
                <span className="tf-wf-label">{segment.name}</span>
                <Box variant="small" color="text-body-secondary" display="inline" margin={{ left: 'xs' }}>
                  {detailOf(segment)}
                </Box>
              </td>
              <td>{formatMs(segment.startOffsetMs)}</td>
              <td>
                {formatMs(segment.durationMs)}{' '}
                {(segment.fault || segment.error || segment.throttle) && <OutcomeBadges item={segment} />}
              </td>
              <td>
                <div className="tf-wf-track">
                  <div
                    className={`tf-wf-bar ${barClassOf(segment)}`}
                    data-testid="waterfall-bar"
                    style={{ left: `${bar.leftPct}%`, width: `${bar.widthPct}%` }}
                    title={`${segment.name}: ${formatMs(segment.durationMs)} at +${formatMs(segment.startOffsetMs)}`}
                  />
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function TracePage({ client, traceId }: { client: OperatorClient; traceId: string }) {
  const trace = useLoad((signal) => client.trace(traceId, signal), [client, traceId]);
  const tenantId = trace.data?.tenantId;
  return (
    <DetailPage
      loaded={trace}
      what="the trace"
      breadcrumbs={[
        ...(tenantId
          ? [
              { text: 'Tenants', href: '/tenants' },
              { text: tenantId, href: `/tenants/${tenantId}` },
            ]
          : []),
        { text: traceId, href: `/traces/${encodeURIComponent(traceId)}` },
      ]}
      title="Trace"
      description={traceId}
    >
      {(t) => (
        <>
          <Container header={<Header variant="h2">Summary</Header>}>
            <KeyValuePairs
              columns={4}
              items={[
                { label: 'Started', value: formatTime(t.startedAt) },
                { label: 'Duration', value: <span data-testid="trace-duration">{formatMs(t.durationMs)}</span> },
                { label: 'Segments', value: String(t.segments.length) },
                {
                  label: 'Tenant',
                  value: t.tenantId ? (
                    <Link href={`/tenants/${encodeURIComponent(t.tenantId)}`} onFollow={follow}>
                      {t.tenantId}
                    </Link>
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
                description="Each row is a segment or subsegment, indented under its parent; bars are placed by start and sized by duration. Red: fault (5xx), orange: error (4xx), purple: throttled."
              >
                Waterfall
              </Header>
            }
          >
            <Waterfall trace={t} />
          </Container>
        </>
      )}
    </DetailPage>
  );
}
