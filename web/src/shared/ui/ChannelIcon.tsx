import { useT } from '../i18n';
import { oneOf } from '../one-of';

const CHANNELS = ['web', 'app', 'store', 'line'] as const;
type Channel = (typeof CHANNELS)[number];

/** 24×24 outline icons, drawn here so no icon font or emoji font is needed on a till or a headless browser. */
const paths: Record<Channel, string> = {
  web: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18Zm0 0c2.5 2.4 3.8 5.4 3.8 9s-1.3 6.6-3.8 9m0-18C9.5 5.4 8.2 8.4 8.2 12s1.3 6.6 3.8 9M3.5 9h17M3.5 15h17',
  app: 'M8 2.5h8a1.5 1.5 0 0 1 1.5 1.5v16a1.5 1.5 0 0 1-1.5 1.5H8A1.5 1.5 0 0 1 6.5 20V4A1.5 1.5 0 0 1 8 2.5ZM10.5 18.5h3',
  store:
    'M3.5 9.5 5 4h14l1.5 5.5M3.5 9.5c0 1.4 1.1 2.5 2.5 2.5s2.5-1.1 2.5-2.5m-5 0h17m-12 0c0 1.4 1.1 2.5 2.5 2.5s2.5-1.1 2.5-2.5m0 0c0 1.4 1.1 2.5 2.5 2.5s2.5-1.1 2.5-2.5M5 12v8.5h14V12M10 20.5V15h4v5.5',
  line: 'M12 4c-4.7 0-8.5 3-8.5 6.8 0 3.4 3 6.2 7.1 6.7l-.4 2.5 3.6-2.6c3.6-.8 6.2-3.5 6.2-6.6C20 7 16.7 4 12 4Z',
};

/** A channel's icon with its name for screen readers (and beside it when `label` is set). */
export function ChannelIcon({ channel, label = false }: { channel: string; label?: boolean }) {
  const t = useT();
  const match = oneOf(CHANNELS, channel);
  const known = match ?? 'web';
  const name = match ? t(`channel.${match}`) : channel;
  return (
    <span className={`channel channel-${known}`} data-channel={channel} title={name}>
      <svg
        viewBox="0 0 24 24"
        width="20"
        height="20"
        aria-hidden="true"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      >
        <path d={paths[known]} />
      </svg>
      {label ? <span>{name}</span> : <span className="visually-hidden">{name}</span>}
    </span>
  );
}
