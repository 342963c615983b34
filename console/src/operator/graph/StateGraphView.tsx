/**
 * The state machine drawn as a graph (@xyflow/react, laid out top-down by dagre). Loaded lazily:
 * the graph libraries are only fetched when an execution's detail page is opened.
 *
 * Legible first: node contents and edge labels are measured as the browser renders them and
 * the layout sizes nodes to their text and keeps room for every label. The graph opens at a zoom
 * where its smallest text renders at {@link READABLE_TEXT_PX} px or more — never "fit to the box"
 * when that would shrink it — centred on the failed or running state; the box pans (drag,
 * scroll) and the controls zoom and fit.
 */
import '@xyflow/react/dist/style.css';
import {
  Background,
  BaseEdge,
  ControlButton,
  Controls,
  type Edge,
  EdgeLabelRenderer,
  type EdgeProps,
  Handle,
  MarkerType,
  type Node,
  type NodeProps,
  Position,
  ReactFlow,
  type ReactFlowInstance,
} from '@xyflow/react';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { type EdgeKind, focusState, type GraphEdge, type GraphNode, STATUS_LABELS, type StateGraph } from './asl-graph';
import { type EdgeLayout, initialViewport, layoutGraph, type Size, splinePath } from './layout';
import { StateStatus } from './state-status';

/** The smallest rendered text size of the default view. */
export const READABLE_TEXT_PX = 12;

export interface StateGraphViewProps {
  readonly graph: StateGraph;
  readonly selected?: string;
  readonly onSelect?: (stateName: string) => void;
}

const terminal = (node: GraphNode) => node.type === 'Start' || node.type === 'End';

/** A node's content; rendered once hidden to be measured, then in the graph at that size. */
function StateBody({ node }: { node: GraphNode }) {
  if (terminal(node))
    return (
      <div className="tf-state tf-state-terminal">
        <span className="tf-state-name">{node.label}</span>
      </div>
    );
  return (
    <div className={`tf-state tf-state-${node.status}`} data-status={node.status}>
      <span className="tf-state-name">{node.label}</span>
      <span className="tf-state-detail">
        <StateStatus status={node.status} />
        <span className="tf-state-type">{node.type}</span>
      </span>
    </div>
  );
}

function StateNode({ data }: NodeProps<Node<{ node: GraphNode }>>) {
  return (
    <>
      <Handle type="target" position={Position.Top} className="tf-handle" isConnectable={false} />
      <StateBody node={data.node} />
      <Handle type="source" position={Position.Bottom} className="tf-handle" isConnectable={false} />
    </>
  );
}

interface RoutedEdgeData extends Record<string, unknown> {
  readonly route: EdgeLayout;
  readonly edge: GraphEdge;
}

/** An edge along dagre's route (not React Flow's handle-to-handle path), label where dagre left room. */
function RoutedEdge({ id, data, markerEnd, style }: EdgeProps<Edge<RoutedEdgeData>>) {
  if (!data) return null;
  const { route, edge } = data;
  return (
    <>
      <BaseEdge id={id} path={splinePath(route.points)} markerEnd={markerEnd} style={style} />
      {edge.label && route.label && (
        <EdgeLabelRenderer>
          <div
            className={`${edgeClass(edge)} nodrag nopan`}
            title={edge.title}
            style={{ transform: `translate(-50%, -50%) translate(${route.label.x}px, ${route.label.y}px)` }}
          >
            {edge.label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

const NODE_TYPES = { state: StateNode };
const EDGE_TYPES = { routed: RoutedEdge };

/** Edge colours: the path taken dark, the others lighter (still visible: they are the workflow). */
const EDGE_COLOURS: Record<EdgeKind, { taken: string; other: string }> = {
  next: { taken: '#0f141a', other: '#8c8c94' },
  choice: { taken: '#0f141a', other: '#8c8c94' },
  default: { taken: '#0f141a', other: '#8c8c94' },
  catch: { taken: '#db0000', other: '#f08080' },
};

const edgeClass = (edge: GraphEdge) => `tf-edge-label tf-edge-label-${edge.kind}${edge.taken ? ' tf-edge-taken' : ''}`;

interface Measured {
  readonly nodes: ReadonlyMap<string, Size>;
  readonly labels: ReadonlyMap<string, Size>;
  /** The smallest computed font size of any text in the graph, in px at zoom 1. */
  readonly smallestFontPx: number;
  readonly key: string;
}

function measure(container: HTMLElement): Measured {
  const sizeOf = (selector: string) => {
    const sizes = new Map<string, Size>();
    for (const element of container.querySelectorAll<HTMLElement>(selector)) {
      const rect = element.getBoundingClientRect();
      sizes.set(element.dataset.measure as string, { width: Math.ceil(rect.width), height: Math.ceil(rect.height) });
    }
    return sizes;
  };
  const nodes = sizeOf('[data-measure-node]');
  const labels = sizeOf('[data-measure-label]');
  let smallestFontPx = Number.POSITIVE_INFINITY;
  for (const element of container.querySelectorAll<HTMLElement>('*'))
    if ([...element.childNodes].some((child) => child.nodeType === 3 && child.textContent?.trim()))
      smallestFontPx = Math.min(smallestFontPx, Number.parseFloat(getComputedStyle(element).fontSize));
  const key = JSON.stringify([[...nodes], [...labels], smallestFontPx]);
  return { nodes, labels, smallestFontPx: Number.isFinite(smallestFontPx) ? smallestFontPx : 14, key };
}

/** Bumps when web fonts finish loading, so text measured in a fallback font is measured again. */
function useFontsLoaded(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const fonts = document.fonts;
    if (!fonts) return;
    let live = true;
    const bump = () => live && setVersion((v) => v + 1);
    fonts.ready.then(bump);
    fonts.addEventListener('loadingdone', bump);
    return () => {
      live = false;
      fonts.removeEventListener('loadingdone', bump);
    };
  }, []);
  return version;
}

export default function StateGraphView({ graph, selected, onSelect }: StateGraphViewProps) {
  const boxRef = useRef<HTMLElement>(null);
  const measurerRef = useRef<HTMLDivElement>(null);
  const [measured, setMeasured] = useState<Measured>();
  const [instance, setInstance] = useState<ReactFlowInstance>();
  const fontsLoaded = useFontsLoaded();

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-measure when the graph or the fonts change
  useLayoutEffect(() => {
    if (!measurerRef.current) return;
    const next = measure(measurerRef.current);
    setMeasured((current) => (current?.key === next.key ? current : next));
  }, [graph, fontsLoaded]);

  const layout = useMemo(
    () => (measured ? layoutGraph(graph, measured.nodes, measured.labels) : undefined),
    [graph, measured],
  );
  const focus = focusState(graph);

  const { nodes, edges } = useMemo(() => {
    if (!layout) return { nodes: [], edges: [] };
    const nodes: Node[] = graph.nodes.map((node) => {
      const rect = layout.nodes.get(node.id) ?? { x: 0, y: 0, width: 0, height: 0 };
      return {
        id: node.id,
        type: 'state',
        position: { x: rect.x, y: rect.y },
        width: rect.width,
        height: rect.height,
        data: { node },
        ariaLabel: terminal(node) ? node.label : `${node.label}, ${node.type} state, ${STATUS_LABELS[node.status]}`,
        draggable: false,
        connectable: false,
        selectable: !terminal(node),
        selected: node.id === selected,
      };
    });
    const edges: Edge<RoutedEdgeData>[] = graph.edges.map((edge) => {
      const colour = EDGE_COLOURS[edge.kind][edge.taken ? 'taken' : 'other'];
      return {
        id: edge.id,
        source: edge.source,
        target: edge.target,
        type: 'routed',
        className: edge.taken ? 'tf-edge-taken' : undefined,
        data: { edge, route: layout.edges.get(edge.id) ?? { points: [] } },
        // Markers scale with the stroke: a thicker taken edge gets a smaller marker box.
        markerEnd: {
          type: MarkerType.ArrowClosed,
          color: colour,
          width: edge.taken ? 12 : 18,
          height: edge.taken ? 12 : 18,
        },
        style: {
          stroke: colour,
          strokeWidth: edge.taken ? 2.5 : 1.5,
          ...(edge.kind === 'catch' ? { strokeDasharray: '6 4' } : {}),
        },
        focusable: false,
      };
    });
    return { nodes, edges };
  }, [graph, layout, selected]);

  const showFocus = useCallback(() => {
    const box = boxRef.current;
    if (!instance || !layout || !measured || !box) return;
    instance.setViewport(
      initialViewport(
        layout,
        { width: box.clientWidth, height: box.clientHeight },
        focus ? layout.nodes.get(focus) : undefined,
        { readableZoom: READABLE_TEXT_PX / measured.smallestFontPx },
      ),
    );
  }, [instance, layout, measured, focus]);

  // Open at the readable view, and again when the layout or the state needing attention changes
  // (a running execution moves on); a refresh that changes neither leaves the user's view alone.
  const viewKey = layout ? `${focus}|${layout.width}x${layout.height}` : '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on what the view shows, not on every refresh
  useEffect(() => showFocus(), [viewKey, instance]);

  return (
    <section ref={boxRef} className="tf-graph" aria-label="State machine graph. Select a state to see its events.">
      <div ref={measurerRef} className="tf-graph-measure" aria-hidden="true">
        {graph.nodes.map((node) => (
          <div key={node.id} data-measure={node.id} data-measure-node="">
            <StateBody node={node} />
          </div>
        ))}
        {graph.edges
          .filter((edge) => edge.label)
          .map((edge) => (
            <div key={edge.id} data-measure={edge.id} data-measure-label="" className={edgeClass(edge)}>
              {edge.label}
            </div>
          ))}
      </div>
      {layout && (
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          edgeTypes={EDGE_TYPES}
          onInit={setInstance}
          nodesDraggable={false}
          nodesConnectable={false}
          edgesFocusable={false}
          onNodeClick={(_event, node) => onSelect?.(node.id)}
          // Enter or Space on a focused node selects it: the keyboard's way to pick a state.
          onNodesChange={(changes) => {
            for (const change of changes) if (change.type === 'select' && change.selected) onSelect?.(change.id);
          }}
          // The wheel pans the box (it is taller than it is wide); zoom with the controls, pinch or Ctrl + wheel.
          panOnScroll
          zoomOnScroll={false}
          minZoom={0.2}
          maxZoom={2}
        >
          <Background />
          <Controls showInteractive={false} position="top-right" aria-label="Graph zoom controls">
            {focus && (
              <ControlButton
                onClick={showFocus}
                title={`Show the ${STATUS_LABELS[graph.nodes.find((n) => n.id === focus)?.status ?? 'failed'].toLowerCase()} state`}
                aria-label={`Show ${focus}`}
              >
                <span aria-hidden="true">◎</span>
              </ControlButton>
            )}
          </Controls>
        </ReactFlow>
      )}
    </section>
  );
}
