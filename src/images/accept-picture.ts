/**
 * Whether bytes are a picture the build makes for email: what encode.ts reads (a format enews knows,
 * with a size, not too many pixels), still (an animation would be cut to its first frame without a
 * word), and, for bytes from the web, whole: every pixel decodes, so a truncated or damaged file is
 * refused where it arrives, not at the build of an issue that shows it.
 */
import { encodeImage, type ImageInfo, inspectImage, NotAnImage } from './encode.js';

/** What the bytes are; throws NotAnImage, saying why, when the build would refuse them. */
export async function inspectStill(bytes: Buffer): Promise<ImageInfo> {
  return stillOnly(await inspectImage(bytes));
}

/** `info` when it is a still picture; throws NotAnImage for an animation. */
export function stillOnly(info: ImageInfo): ImageInfo {
  if (info.pages > 1) {
    throw new NotAnImage('it is animated, and enews makes still pictures only: save one frame as PNG or JPEG');
  }
  return info;
}

/** As inspectStill, with every pixel decoded: for bytes nobody has looked at yet (a feed's picture). */
export async function acceptPicture(bytes: Buffer): Promise<ImageInfo> {
  const info = await inspectStill(bytes);
  // A tiny encoding still decodes the whole source; the build's own sizes would only take longer.
  await encodeImage(bytes, info, 8, 'png');
  return info;
}
