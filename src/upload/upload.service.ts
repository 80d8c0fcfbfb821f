import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DedupeService } from '../dedupe/dedupe.service';
import { InferenceService } from '../inference/inference.service';
import type { HeatmapFormat } from '../inference/pipeline/postprocess';
import { ShuttingDownError } from '../jobs/errors/job.errors';
import { type JobOrigin, JobsService } from '../jobs/jobs.service';
import type { Job } from '../results/job.entity';
import { InvalidSocketIdError, MalformedUploadError } from './errors/upload.errors';
import { probeImage } from './image-probe';
import type { UploadedFile } from './multipart/read-single-file';

/** Socket.IO ids are 20 base64url characters; allow some room for other engines. */
const SOCKET_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The job an upload got, and whether it was an existing one (a dedupe hit). */
export interface Acceptance {
  job: Job;
  deduplicated: boolean;
}

@Injectable()
export class UploadService {
  constructor(
    private readonly config: AppConfig,
    private readonly jobs: JobsService,
    private readonly dedupe: DedupeService,
    private readonly inference: InferenceService,
  ) {}

  /**
   * Checks the image cheaply and hashes it, then hands out the job of an
   * identical earlier upload, or admits it as a new job (or refuses it when
   * the queue is full). A socket id, when given, is subscribed to the job
   * before its first event, so the uploader cannot miss one. The model is the
   * query's `model=` or the body's "model" field (the default when neither).
   */
  async accept(
    file: UploadedFile,
    preferredFormat: HeatmapFormat,
    origin: JobOrigin = {},
  ): Promise<Acceptance> {
    const { subscriber, model, requestId } = origin;
    if (subscriber !== undefined && !SOCKET_ID.test(subscriber)) throw new InvalidSocketIdError();
    if (model !== undefined && file.model !== undefined && file.model !== model) {
      throw new MalformedUploadError(
        'The model is named twice, differently: in the query and in the "model" field.',
      );
    }
    const modelId = this.inference.selectModel(model ?? file.model);
    const since = performance.now();
    const { maxInputPixels, maxSide } = this.config;
    const [{ upright }, key] = await Promise.all([
      probeImage(file.bytes, { maxInputPixels, maxSide }),
      this.dedupe.keyFor(file.bytes, modelId),
    ]);
    // Nothing below awaits: lookup and admission happen in one turn, so two uploads of the
    // same image in flight at once cannot both miss and create two jobs.
    const existing = key === undefined ? undefined : this.dedupe.find(key);
    if (existing) {
      if (!this.jobs.accepting) throw new ShuttingDownError();
      this.dedupe.reuse(existing, since, origin);
      return { job: existing, deduplicated: true };
    }
    const image = { bytes: file.bytes, upright };
    const job = this.jobs.submit(image, preferredFormat, { subscriber, model: modelId, requestId });
    if (key !== undefined) this.dedupe.remember(key, job);
    return { job, deduplicated: false };
  }
}
