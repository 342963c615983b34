/**
 * How a state's status reads: an icon and a word (never colour alone), shared by the graph's
 * nodes and its legend.
 */
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import { type NodeStatus, STATUS_LABELS } from './asl-graph';

const INDICATORS: Record<NodeStatus, { type: StatusIndicatorProps.Type; colour?: StatusIndicatorProps.Color }> = {
  succeeded: { type: 'success' },
  failed: { type: 'error' },
  caught: { type: 'warning' },
  running: { type: 'in-progress', colour: 'blue' },
  aborted: { type: 'stopped' },
  'not-run': { type: 'not-started' },
};

/** The statuses in the order the legend lists them. */
export const STATUS_ORDER: readonly NodeStatus[] = ['failed', 'running', 'caught', 'aborted', 'succeeded', 'not-run'];

/** The status icon and word of a state. */
export function StateStatus({ status }: { status: NodeStatus }) {
  const { type, colour } = INDICATORS[status];
  return (
    <StatusIndicator type={type} colorOverride={colour}>
      {STATUS_LABELS[status]}
    </StatusIndicator>
  );
}
