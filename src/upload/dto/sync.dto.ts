/** On every answer of POST /api/v1/depth/sync that has a job, so a client can fetch it again later. */
export const JOB_ID_HEADER = 'X-Job-Id';
