import { useApp } from '../store/app-store.js';

export function ConnectionBanner() {
  const connection = useApp((state) => state.connection);
  if (connection === 'open') return null;
  return (
    <div className="connection-banner" role="status" data-testid="connection-banner" data-state={connection}>
      {connection === 'connecting' && 'Connecting to the Orchard engine…'}
      {connection === 'reconnecting' && 'Lost the connection to the Orchard server. Reconnecting…'}
      {connection === 'unauthorized' &&
        'The Orchard server no longer accepts this page (it was probably restarted with a new token). ' +
          'Open the address `orchard serve` printed, including its ?token=… part.'}
    </div>
  );
}
