/**
 * An absolute file path of two or more segments, not part of a URL (so
 * https://host/a/b and /api/v1/... routes are left alone); group 1 is the
 * last segment.
 */
const ABSOLUTE_PATH = /(?<![\w:/.])\/(?!api\/)(?:[\w.@+-]+\/)+([\w.@+-]+)/g;

/**
 * Keeps only the file name of any absolute path in a message meant for
 * clients. The full path stays in the logs; an error body must not map out
 * the server's file system.
 */
export function redactPaths(message: string): string {
  return message.replace(ABSOLUTE_PATH, '$1');
}
