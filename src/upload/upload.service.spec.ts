import sharp from 'sharp';
import { AppConfig } from '../config/app-config';
import type { DedupeService } from '../dedupe/dedupe.service';
import type { InferenceService } from '../inference/inference.service';
import type { ImageInput } from '../inference/inference.types';
import type { JobsService } from '../jobs/jobs.service';
import { Job } from '../results/job.entity';
import { UploadService } from './upload.service';

describe('UploadService', () => {
  it('queues the image with the upright size admission read, so the worker need not read it again', async () => {
    const submitted: ImageInput[] = [];
    const jobs = {
      accepting: true,
      submit: (image: ImageInput) => (submitted.push(image), new Job('png')),
    } as unknown as JobsService;
    const dedupe = { keyFor: () => Promise.resolve(undefined) } as unknown as DedupeService;
    const inference = { selectModel: () => 'model' } as unknown as InferenceService;
    const uploads = new UploadService(AppConfig.fromEnv({}), jobs, dedupe, inference);
    // Stored 12x5, shown 5x12: the header's EXIF orientation turns it.
    const bytes = await sharp({ create: { width: 12, height: 5, channels: 3, background: '#abc' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();

    await uploads.accept({ filename: 'turned.jpg', bytes }, 'png');

    expect(submitted).toEqual([{ bytes, upright: { width: 5, height: 12 } }]);
  });
});
