import { parsePredictArgs, UsageError } from './predict-args';

describe('parsePredictArgs', () => {
  it('reads inputs and options, with the service defaults', () => {
    expect(parsePredictArgs(['a.jpg', 'photos/', '--out', 'out'])).toEqual({
      inputs: ['a.jpg', 'photos/'],
      out: 'out',
      format: 'png',
      colormap: 'inferno',
      invert: false,
      model: undefined,
      concurrency: undefined,
    });
    expect(
      parsePredictArgs(['a.jpg', '-o', 'o', '-f', 'jpeg', '-c', 'turbo', '-j', '3']),
    ).toMatchObject({ format: 'jpeg', colormap: 'turbo', concurrency: 3 });
  });

  it('returns undefined for --help', () => {
    expect(parsePredictArgs(['--help'])).toBeUndefined();
  });

  it.each([
    [[], /at least one image/],
    [['a.jpg'], /--out DIR is required/],
    [['a.jpg', '-o', 'o', '--format', 'gif'], /--format must be one of: png, jpeg/],
    [['a.jpg', '-o', 'o', '--colormap', 'jet'], /--colormap must be one of: inferno/],
    [['a.jpg', '-o', 'o', '-j', '0'], /--concurrency must be a whole number/],
    [['a.jpg', '-o', 'o', '--fast'], /Unknown option '--fast'/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parsePredictArgs(argv)).toThrow(UsageError);
    expect(() => parsePredictArgs(argv)).toThrow(message);
  });
});
