import { redactPaths } from './redact-paths';

describe('redactPaths', () => {
  it('keeps only the file name of absolute paths', () => {
    expect(redactPaths('MODEL_PATH=/srv/models/depth.onnx does not exist.')).toBe(
      'MODEL_PATH=depth.onnx does not exist.',
    );
    expect(redactPaths('Could not read /tmp/depthserve-results/x.png (EACCES)')).toBe(
      'Could not read x.png (EACCES)',
    );
  });

  it('leaves URLs, API routes and plain text alone', () => {
    const text =
      'Download https://github.com/isl-org/MiDaS/releases/download/v2_1/model-small.onnx ' +
      'or see /api/v1/depth/1 and 3/4 of a c/d ratio.';
    expect(redactPaths(text)).toBe(text);
  });
});
