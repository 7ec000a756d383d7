import { describe, expect, it } from 'vitest';
import { pictureNames } from './pull-pictures.js';

describe('the names a pulled picture may take', () => {
  it('the item id with the extension of the format its bytes are, then -2, -3… when a name is taken', () => {
    expect(pictureNames('harvest', 'jpeg', 3)).toEqual(['harvest.jpg', 'harvest-2.jpg', 'harvest-3.jpg']);
    expect(pictureNames('logo', 'svg', 1)).toEqual(['logo.svg']);
    expect(pictureNames('x', 'heif', 1)).toEqual(['x.heic']);
    expect(pictureNames('x', 'png')).toHaveLength(100);
  });
});
