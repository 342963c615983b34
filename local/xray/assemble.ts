/**
 * Turns a stored trace into what X-Ray hands out: each segment's document with its
 * subsegments nested, the independent subsegments (sent on their own, as aws-xray-sdk-core does
 * in Lambda) placed under the segment or subsegment their `parent_id` names. An independent
 * subsegment whose parent never arrived stays a document of its own, so nothing received is
 * hidden.
 */
import type { SegmentDocument, StoredDocument } from './segment-document';
import type { StoredTrace } from './trace-store';

/** A document being assembled: a copy whose subsegments may still grow. */
type Node = Record<string, unknown> & { id: string; subsegments?: Node[] };

/** Deep copy of a document, indexing it and every nested subsegment by id. */
function copyInto(doc: SegmentDocument, index: Map<string, Node>, parentOf: Map<string, string>): Node {
  const { subsegments, ...fields } = doc;
  const node: Node = { ...fields };
  index.set(node.id, node);
  if (subsegments && subsegments.length > 0) {
    node.subsegments = subsegments.map((sub) => {
      parentOf.set(sub.id, node.id);
      return copyInto(sub, index, parentOf);
    });
  }
  return node;
}

/** Whether `ancestor` is `id` or above it (attaching would make a cycle). */
function isAncestor(ancestor: string, id: string, parentOf: ReadonlyMap<string, string>): boolean {
  for (let at: string | undefined = id; at !== undefined; at = parentOf.get(at)) if (at === ancestor) return true;
  return false;
}

/** Places an independent subsegment under its parent, replacing a nested copy of the same id. */
function attach(parent: Node, child: Node): void {
  // Nested, a subsegment carries no trace id, parent id or type: its place says them.
  delete child.trace_id;
  delete child.parent_id;
  delete child.type;
  parent.subsegments ??= [];
  const siblings = parent.subsegments;
  const at = siblings.findIndex((sibling) => sibling.id === child.id);
  if (at >= 0) siblings[at] = child;
  else siblings.push(child);
}

/**
 * The trace's segments as X-Ray's BatchGetTraces documents them: segments first (by start
 * time), then any independent subsegment whose parent is not in the trace.
 */
export function assembleTrace(trace: StoredTrace): SegmentDocument[] {
  const index = new Map<string, Node>();
  const parentOf = new Map<string, string>();
  const byStart = (a: StoredDocument, b: StoredDocument) => a.start_time - b.start_time;
  const docs = [...trace.documents.values()];
  const segments = docs
    .filter((doc) => doc.type !== 'subsegment')
    .sort(byStart)
    .map((doc) => copyInto(doc, index, parentOf));
  const independents = docs
    .filter((doc) => doc.type === 'subsegment')
    .sort(byStart)
    .map((doc) => ({ doc, node: copyInto(doc, index, parentOf) }));
  const orphans: Node[] = [];
  for (const { doc, node } of independents) {
    const parent = doc.parent_id === undefined ? undefined : index.get(doc.parent_id);
    if (parent && !isAncestor(node.id, parent.id, parentOf)) {
      parentOf.set(node.id, parent.id);
      attach(parent, node);
    } else orphans.push(node);
  }
  return [...segments, ...orphans] as unknown as SegmentDocument[];
}
