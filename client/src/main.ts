import './styles.css';
import { renderConnection } from './connection-status';
import { must } from './dom';
import { dropZone } from './drop-zone';
import { startHealthBanner } from './health-banner';
import { JobFeed } from './job-feed';
import { loadOutputs } from './outputs';
import { Uploads } from './uploads';

const input = must('#file-input', HTMLInputElement);
const choose = must('#choose', HTMLButtonElement);
const list = must('#jobs', HTMLOListElement);
const empty = must('#jobs-empty', HTMLParagraphElement);
const clearButton = must('#clear-finished', HTMLButtonElement);
const connection = must('#connection', HTMLParagraphElement);

const feed = new JobFeed();
feed.onState((state) => renderConnection(connection, state));

const uploads = new Uploads(
  list,
  feed,
  () => {
    const cards = uploads.all;
    empty.hidden = cards.length > 0;
    clearButton.hidden = !cards.some((card) => card.finished);
  },
  () => choose.focus(),
);
choose.addEventListener('click', () => input.click());
clearButton.addEventListener('click', () => {
  uploads.clearFinished();
  choose.focus();
});

dropZone(must('#drop-zone', HTMLElement), input, (files) => uploads.add(files));
startHealthBanner(must('#health-banner', HTMLElement));
feed.start();
// Fetched now so the first result does not wait for it.
void loadOutputs();
