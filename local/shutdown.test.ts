import { describe, expect, it } from 'vitest';
import { Shutdown } from './shutdown';

describe('Shutdown', () => {
  it('runs the closers last-added first, once, past a failing one', async () => {
    const shutdown = new Shutdown();
    const closed: string[] = [];
    shutdown.add(() => closed.push('first'));
    shutdown.add(async () => {
      closed.push('failing');
      throw new Error('already closed');
    });
    shutdown.add(() => {
      closed.push('sync throw');
      throw new Error('boom');
    });
    shutdown.add(async () => closed.push('last'));

    await shutdown.close();
    await shutdown.close();

    expect(closed).toEqual(['last', 'sync throw', 'failing', 'first']);
  });
});
