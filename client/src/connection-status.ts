import type { FeedState } from './job-feed';

const TEXT: Record<FeedState['mode'], (state: FeedState) => string> = {
  connecting: () => 'Connecting for live updates…',
  live: () => 'Live updates',
  polling: ({ everConnected, reachable }) => {
    if (!reachable) return 'Server unreachable — retrying every second';
    return everConnected
      ? 'Polling every second — live connection lost'
      : 'Polling every second — live updates unavailable';
  },
};

/** Says how job status reaches the page, so a stalled card is never a mystery. */
export function renderConnection(el: HTMLElement, state: FeedState): void {
  el.dataset.mode = state.reachable ? state.mode : 'offline';
  el.textContent = TEXT[state.mode](state);
  el.title =
    state.mode === 'live'
      ? 'Status changes arrive the moment they happen.'
      : 'Status is fetched from the server every second until live updates reconnect.';
}
