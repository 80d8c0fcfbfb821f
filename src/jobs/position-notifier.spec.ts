import { Job } from '../results/job.entity';
import { JobEvents } from '../results/job-events';
import { PositionNotifier } from './position-notifier';

describe('PositionNotifier', () => {
  let queue: Job[];
  let moves: [string, number][];
  let notifier: PositionNotifier;

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    const events = new JobEvents();
    events.on('moved', (job, position) => moves.push([job.id, position]));
    queue = [new Job('png'), new Job('png'), new Job('png')];
    moves = [];
    notifier = new PositionNotifier(events, () => queue);
    queue.forEach((job, i) => notifier.announced(job, i + 1));
  });
  afterEach(() => jest.useRealTimers());

  const dequeue = () => {
    queue.shift();
    notifier.changed();
  };

  it('sends the first change at once and coalesces the next ones into one per second', () => {
    const [, b, c] = queue;
    dequeue();
    jest.advanceTimersByTime(0);
    expect(moves).toEqual([
      [b.id, 1],
      [c.id, 2],
    ]);
    moves = [];
    jest.advanceTimersByTime(100);
    dequeue();
    jest.advanceTimersByTime(899);
    expect(moves).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(moves).toEqual([[c.id, 1]]);
  });

  it('never sends a position for a job that has started, and nothing when nothing moved', () => {
    dequeue();
    dequeue();
    dequeue();
    jest.advanceTimersByTime(5000);
    expect(moves).toEqual([]);
  });

  it('stops cleanly on shutdown', () => {
    dequeue();
    notifier.stop();
    jest.advanceTimersByTime(5000);
    expect(moves).toEqual([]);
  });
});
