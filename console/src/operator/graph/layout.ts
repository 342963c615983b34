/**
 * Top-down layout of a state graph with dagre (loaded with the graph view, not up front), and
 * the view it opens at. Pure: node and label sizes come in measured, so the layout leaves room
 * for text as the browser renders it, and the unit tests give sizes of their own.
 */
import dagre from '@dagrejs/dagre';
import type { StateGraph } from './asl-graph';

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Rect extends Point, Size {}

export interface EdgeLayout {
  /** The route from the source's border to the target's, bending around other nodes. */
  readonly points: readonly Point[];
  /** The centre of the label, where dagre kept room for it (no node overlaps it). */
  readonly label?: Point;
}

export interface GraphLayout {
  /** Top-left corner and size of each node. */
  readonly nodes: ReadonlyMap<string, Rect>;
  readonly edges: ReadonlyMap<string, EdgeLayout>;
  readonly width: number;
  readonly height: number;
}

/** The size a node gets when none was measured (tests, or before the first measurement). */
export const FALLBACK_NODE: Size = { width: 200, height: 56 };

/**
 * Lays the graph out top-down. `nodeSizes` and `labelSizes` (by node and edge id) are the
 * rendered sizes of node contents and edge labels at zoom 1.
 */
export function layoutGraph(
  graph: StateGraph,
  nodeSizes: ReadonlyMap<string, Size>,
  labelSizes: ReadonlyMap<string, Size> = new Map(),
): GraphLayout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  // dagre halves ranksep when edges carry labels (a label takes a rank of its own).
  g.setGraph({ rankdir: 'TB', nodesep: 48, ranksep: 48, edgesep: 24, marginx: 24, marginy: 24 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.id, { ...(nodeSizes.get(node.id) ?? FALLBACK_NODE) });
  for (const edge of graph.edges) {
    const size = edge.label ? labelSizes.get(edge.id) : undefined;
    g.setEdge(
      edge.source,
      edge.target,
      size ? { width: size.width + 8, height: size.height + 4, labelpos: 'c' } : { width: 0, height: 0 },
      edge.id,
    );
  }
  dagre.layout(g);

  const nodes = new Map<string, Rect>();
  for (const node of graph.nodes) {
    const laid = g.node(node.id) as Rect;
    nodes.set(node.id, {
      x: laid.x - laid.width / 2,
      y: laid.y - laid.height / 2,
      width: laid.width,
      height: laid.height,
    });
  }
  const edges = new Map<string, EdgeLayout>();
  for (const edge of graph.edges) {
    const laid = g.edge({ v: edge.source, w: edge.target, name: edge.id }) as {
      points?: Point[];
      x?: number;
      y?: number;
      width: number;
    };
    edges.set(edge.id, {
      points: (laid.points ?? []).map(({ x, y }) => ({ x, y })),
      ...(laid.width > 0 && laid.x !== undefined && laid.y !== undefined ? { label: { x: laid.x, y: laid.y } } : {}),
    });
  }
  const { width = 0, height = 0 } = g.graph();
  return { nodes, edges, width, height };
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * An SVG path through the points as a uniform B-spline (d3's curveBasis): smooth bends that
 * start at the first point and end at the last.
 */
export function splinePath(points: readonly Point[]): string {
  const [first, second] = points;
  if (!first) return '';
  const parts = [`M${round(first.x)},${round(first.y)}`];
  if (!second) return parts[0] as string;
  if (points.length === 2) return `${parts[0]}L${round(second.x)},${round(second.y)}`;
  let p0 = first;
  let p1 = second;
  parts.push(`L${round((5 * p0.x + p1.x) / 6)},${round((5 * p0.y + p1.y) / 6)}`);
  const curve = (p: Point) =>
    parts.push(
      `C${round((2 * p0.x + p1.x) / 3)},${round((2 * p0.y + p1.y) / 3)} ${round((p0.x + 2 * p1.x) / 3)},${round((p0.y + 2 * p1.y) / 3)} ${round((p0.x + 4 * p1.x + p.x) / 6)},${round((p0.y + 4 * p1.y + p.y) / 6)}`,
    );
  for (let i = 2; i < points.length; i++) {
    const p = points[i] as Point;
    curve(p);
    p0 = p1;
    p1 = p;
  }
  curve(p1);
  parts.push(`L${round(p1.x)},${round(p1.y)}`);
  return parts.join('');
}

export interface Viewport {
  readonly x: number;
  readonly y: number;
  readonly zoom: number;
}

export interface ViewportOptions {
  /** The smallest zoom at which the smallest text of the graph still renders at the readable size. */
  readonly readableZoom: number;
  /** The zoom of a graph too big to fit readably, and the most a small one is enlarged to. */
  readonly naturalZoom?: number;
  /** Space kept free around a fitted graph, in screen pixels. */
  readonly padding?: number;
}

/**
 * The view the graph opens at in a box of `box` pixels: the whole graph if it fits at a readable
 * zoom (never enlarged past `naturalZoom`); otherwise `naturalZoom` (never "fit" below readable),
 * centred on `focus` (the failed or running node), or showing the top of the graph when nothing
 * needs attention. A view centred on a node near an edge of the graph is pulled back so no more
 * empty space shows than necessary.
 */
export function initialViewport(
  layout: Pick<GraphLayout, 'width' | 'height'>,
  box: Size,
  focus: Rect | undefined,
  { readableZoom, naturalZoom = 1, padding = 16 }: ViewportOptions,
): Viewport {
  const fit = Math.min((box.width - 2 * padding) / layout.width, (box.height - 2 * padding) / layout.height);
  const zoom = fit >= readableZoom ? Math.min(fit, naturalZoom) : Math.max(naturalZoom, readableZoom);
  /** The offset that puts `centre` (graph units) in the middle of the box, kept within the graph. */
  const axis = (graphSize: number, boxSize: number, centre: number) => {
    const shown = graphSize * zoom;
    if (shown + 2 * padding <= boxSize) return (boxSize - shown) / 2;
    const wanted = boxSize / 2 - centre * zoom;
    return Math.min(padding, Math.max(boxSize - shown - padding, wanted));
  };
  const centre = focus
    ? { x: focus.x + focus.width / 2, y: focus.y + focus.height / 2 }
    : { x: layout.width / 2, y: 0 };
  return {
    x: round(axis(layout.width, box.width, centre.x)),
    y: round(axis(layout.height, box.height, centre.y)),
    zoom,
  };
}
