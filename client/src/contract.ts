/*
 * The one place the client reaches into the server's sources, so a contract
 * change shows up as a type error here rather than as a bug in the page.
 */
export type { ErrorResponse } from '../../src/common/filters/error-response';
export type { JobStatusDto } from '../../src/jobs/dto/job-status.dto';
export type { OutputFormatDto, OutputsDto } from '../../src/jobs/dto/outputs.dto';
export { POINT_CLOUD_DEFAULTS } from '../../src/inference/pipeline/point-cloud-params';
export type {
  ClientToServerEvents,
  JobCompletedEvent,
  JobErrorCode,
  ServerToClientEvents,
  SubscribeAck,
} from '../../src/realtime/realtime.events';
export { JOBS_NAMESPACE, SOCKET_ID_HEADER } from '../../src/realtime/realtime.events';
export type { FailureReason, JobStatus, JobTimings } from '../../src/results/job.types';
export type { UploadAcceptedDto } from '../../src/upload/dto/upload-accepted.dto';
