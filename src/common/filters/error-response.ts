/** The one JSON error shape. "error" carries the message, so legacy clients reading data.error keep working. */
export interface ErrorResponse {
  statusCode: number;
  code: string;
  error: string;
  reason?: string;
}
