import { Module } from '@nestjs/common';
import { InferenceModule } from '../inference/inference.module';
import { ModelsController } from './models.controller';

@Module({
  imports: [InferenceModule],
  controllers: [ModelsController],
})
export class ModelsModule {}
