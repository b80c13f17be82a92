import type { DatasetVersion } from '../../../core/contract/schemas.js';
import { useApp } from '../store/app-store.js';

/** The version's latest validation status as a small pill; nothing when it was never validated. */
export function ValidationBadge({
  version,
  testId,
  compact = false,
}: {
  version: DatasetVersion;
  testId: string;
  compact?: boolean;
}) {
  const status = useApp((state) => state.validationStatus[version.datasetId]?.[version.id]);
  if (status === undefined) return null;
  const passed = status === 'passed';
  return (
    <span
      className={`status-pill status-${status}${compact ? ' status-pill-compact' : ''}`}
      title={passed ? 'Latest validation passed' : 'Latest validation failed'}
      data-testid={testId}
      data-status={status}
    >
      <span aria-hidden="true">{passed ? '✓' : '✗'}</span> {status}
    </span>
  );
}
