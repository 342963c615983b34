/**
 * What the local cloud started, to stop it again: each phase adds a closer as it starts a
 * service, so a failure half-way through start-up stops exactly what was started.
 */
export class Shutdown {
  private readonly closers: Array<() => unknown> = [];

  /** Adds a closer; closers run last-added first, as services stop before what they use. */
  add(close: () => unknown): void {
    this.closers.push(close);
  }

  /** Runs every closer once, in reverse order; one that fails does not keep the others from running. */
  async close(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) {
      await Promise.resolve()
        .then(close)
        .catch(() => undefined);
    }
  }
}
