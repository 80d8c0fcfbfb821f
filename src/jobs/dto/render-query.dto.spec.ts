import { BadRequestException } from '@nestjs/common';
import { RenderQueryPipe } from './render-query.dto';

describe('RenderQueryPipe', () => {
  const pipe = new RenderQueryPipe();
  const parse = (query: Record<string, unknown>) => pipe.transform(query);
  const refusal = (query: Record<string, unknown>) => {
    try {
      parse(query);
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestException);
      return (error as BadRequestException).message;
    }
    throw new Error(`Accepted ${JSON.stringify(query)}`);
  };

  it('defaults to the inferno PNG heatmap', () => {
    expect(parse({})).toEqual({
      format: 'png',
      colormap: 'inferno',
      invert: false,
      range: undefined,
      sideBySide: false,
    });
  });

  it('reads every parameter', () => {
    expect(
      parse({
        format: 'webp',
        colormap: 'turbo',
        invert: '1',
        range: '-0.5,2e3',
        side_by_side: 'true',
      }),
    ).toEqual({
      format: 'webp',
      colormap: 'turbo',
      invert: true,
      range: { min: -0.5, max: 2000 },
      sideBySide: true,
    });
  });

  it('takes a bare flag (?invert) as true, and false or 0 as false', () => {
    expect(parse({ invert: '' }).invert).toBe(true);
    expect(parse({ side_by_side: '' }).sideBySide).toBe(true);
    expect(parse({ invert: 'false', side_by_side: '0' })).toMatchObject({
      invert: false,
      sideBySide: false,
    });
  });

  it('names the parameter and the accepted values when refusing', () => {
    expect(refusal({ format: 'gif' })).toBe(
      'format must be one of: png, jpeg, webp, png16, npy, pfm, ply, json.',
    );
    expect(refusal({ colormap: 'jet' })).toMatch(/^colormap must be one of: inferno, magma/);
    expect(refusal({ invert: 'yes' })).toMatch(/^invert must be one of: true, false, 1, 0/);
    expect(refusal({ side_by_side: '2' })).toMatch(/^side_by_side must be one of/);
    expect(refusal({ format: ['png', 'jpeg'] })).toMatch(/^format must be given at most once/);
  });

  it.each([
    '1',
    '1,',
    ',1',
    '1,2,3',
    '2,1',
    '1,1',
    'a,b',
    '0,Infinity',
    'NaN,1',
    '0x1,2',
    '1e999,2',
  ])('refuses range=%s', (range) => {
    expect(refusal({ range })).toBe('range must be "min,max": two finite numbers with min < max.');
  });
});
