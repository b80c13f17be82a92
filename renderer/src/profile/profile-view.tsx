import { useEffect } from 'react';
import type { ColumnProfile, DatasetVersion } from '../../../core/contract/schemas.js';
import { formatCount, formatNumber } from '../format.js';
import { useApp } from '../store/app-store.js';
import { ColumnChart } from './column-chart.js';

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function chartLabel(column: ColumnProfile): string {
  return column.histogram ? 'Histogram' : 'Top values';
}

function ProfileCard({ column, open, onOpen }: { column: ColumnProfile; open: boolean; onOpen(): void }) {
  const numeric = column.numeric;
  const hasChart = (column.histogram?.counts.length ?? 0) > 0 || (column.topValues?.length ?? 0) > 0;
  return (
    <article
      className={`profile-card${open ? ' profile-card-open' : ''}`}
      data-testid="profile-card"
      data-column={column.name}
      aria-label={`Profile of ${column.name}`}
      onClick={hasChart ? onOpen : undefined}
    >
      <header>
        <h3 className="profile-name">{column.name}</h3>
        <span className="type-badge">{column.type}</span>
      </header>
      <dl className="stats">
        <Stat label="count" value={formatCount(column.count)} />
        <Stat label="missing" value={formatCount(column.missing)} />
        <Stat label="distinct" value={formatCount(column.distinct)} />
        {numeric && (
          <>
            <Stat label="min" value={formatNumber(numeric.min)} />
            <Stat label="max" value={formatNumber(numeric.max)} />
            <Stat label="mean" value={formatNumber(numeric.mean)} />
            <Stat label="std" value={formatNumber(numeric.std)} />
            <Stat label="p05" value={formatNumber(numeric.quantiles.p05)} />
            <Stat label="p25" value={formatNumber(numeric.quantiles.p25)} />
            <Stat label="median" value={formatNumber(numeric.quantiles.p50)} />
            <Stat label="p75" value={formatNumber(numeric.quantiles.p75)} />
            <Stat label="p95" value={formatNumber(numeric.quantiles.p95)} />
          </>
        )}
        {column.range && (
          <>
            <Stat label="earliest" value={column.range.min ?? '—'} />
            <Stat label="latest" value={column.range.max ?? '—'} />
          </>
        )}
        {column.textLength && (
          <Stat
            label="length"
            value={`${formatNumber(column.textLength.min)}–${formatNumber(column.textLength.max)}`}
          />
        )}
      </dl>
      {!numeric && column.topValues && column.topValues.length > 0 && (
        <ol className="top-values" aria-label={`Most common values of ${column.name}`}>
          {column.topValues.slice(0, 5).map((top) => (
            <li key={top.value}>
              <span className="top-value">{top.value === '' ? '(empty)' : top.value}</span>
              <span className="muted">{formatCount(top.count)}</span>
            </li>
          ))}
        </ol>
      )}
      {hasChart && (
        <button
          type="button"
          className="chart-button"
          aria-expanded={open}
          data-testid="profile-chart-button"
          onClick={(event) => {
            event.stopPropagation();
            onOpen();
          }}
        >
          {chartLabel(column)}
        </button>
      )}
    </article>
  );
}

export function ProfileView({ version }: { version: DatasetVersion }) {
  const profile = useApp((state) => state.profiles[version.id]);
  const loadProfile = useApp((state) => state.loadProfile);
  const chartColumn = useApp((state) => state.chartColumn);
  const openChart = useApp((state) => state.openChart);

  useEffect(() => {
    void loadProfile(version.id);
  }, [loadProfile, version.id]);

  if (!profile) {
    return (
      <p className="muted" data-testid="profile-loading">
        Loading the profile…
      </p>
    );
  }
  const charted = profile.columns.find((column) => column.name === chartColumn) ?? null;
  return (
    <div className="profile" data-testid="profile-view">
      {charted && (
        <section className="chart-panel" aria-label={`Chart of ${charted.name}`} data-testid="chart-panel">
          <header className="chart-panel-header">
            <h3>
              {chartLabel(charted)} of {charted.name}
            </h3>
            <button type="button" data-testid="close-chart" onClick={() => openChart(null)}>
              Close
            </button>
          </header>
          <ColumnChart key={charted.name} column={charted} />
        </section>
      )}
      <div className="profile-cards">
        {profile.columns.map((column) => (
          <ProfileCard
            key={column.name}
            column={column}
            open={column.name === chartColumn}
            onOpen={() => openChart(column.name)}
          />
        ))}
      </div>
    </div>
  );
}
