import { Logger } from '@nestjs/common';
import { Job } from './job.entity';
import { JobEvents } from './job-events';

describe('JobEvents', () => {
  it('delivers in order, isolates a failing listener and can detach', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const events = new JobEvents();
    const seen: string[] = [];
    events.on('started', () => {
      throw new Error('listener bug');
    });
    const detach = events.on('started', (job) => seen.push(job.id));
    const job = new Job('png');
    expect(() => events.emit('started', job)).not.toThrow();
    expect(seen).toEqual([job.id]);
    expect(logged).toHaveBeenCalledWith('A "started" listener failed: listener bug');
    expect(events.listenerCount).toBe(2);
    detach();
    events.emit('started', job);
    expect(seen).toEqual([job.id]);
    expect(events.listenerCount).toBe(1);
    logged.mockRestore();
  });
});
