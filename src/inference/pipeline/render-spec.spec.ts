import { defaultSpec, normaliseSpec, specKey } from './render-spec';

describe('RenderSpec', () => {
  it('drops the parameters a format ignores, so they share one rendering', () => {
    const npy = {
      ...defaultSpec('npy'),
      colormap: 'magma',
      invert: true,
      sideBySide: true,
    } as const;
    expect(normaliseSpec({ ...npy, range: { min: 0, max: 1 } })).toEqual(defaultSpec('npy'));
    expect(specKey(npy)).toBe(specKey(defaultSpec('npy')));
    const png16 = {
      ...defaultSpec('png16'),
      colormap: 'magma',
      invert: true,
      sideBySide: true,
    } as const;
    expect(normaliseSpec(png16)).toEqual({ ...defaultSpec('png16'), invert: true });
  });

  it('keys different renderings apart and equal ones together, whatever the field order', () => {
    const range = { ...defaultSpec('png'), range: { min: 0, max: 1 } };
    expect(specKey(range)).not.toBe(specKey(defaultSpec('png')));
    expect(specKey(range)).not.toBe(specKey({ ...range, range: { min: 0, max: 2 } }));
    const reordered = { range: { min: 0, max: 1 }, ...defaultSpec('png') };
    expect(specKey(reordered)).toBe(specKey(range));
  });
});
