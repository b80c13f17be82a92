import { useEffect } from 'react';
import { formatCount, formatNumber } from '../format.js';
import { useApp } from '../store/app-store.js';

/** How far annotators agree: Cohen (two), Fleiss, Krippendorff's alpha; pairwise and per class. */
export function AgreementPanel({ labelSetId }: { labelSetId: string }) {
  const report = useApp((state) => state.agreement);
  const changes = useApp((state) => state.labelChangeCount);
  const loadAgreement = useApp((state) => state.loadAgreement);
  useEffect(() => {
    void loadAgreement();
  }, [loadAgreement, labelSetId, changes]);
  return (
    <section className="label-panel" aria-labelledby="agreement-heading" data-testid="agreement-panel">
      <h3 id="agreement-heading">Agreement</h3>
      {report === null ? (
        <p className="muted">Loading…</p>
      ) : report.itemsCompared === 0 ? (
        <p className="muted" data-testid="agreement-empty">
          Agreement needs items labelled by two or more annotators ({formatCount(report.annotators.length)} so
          far: {report.annotators.join(', ') || 'nobody'}).
        </p>
      ) : (
        <>
          <dl className="agreement-stats">
            <div>
              <dt>Items compared</dt>
              <dd data-testid="agreement-items">{formatCount(report.itemsCompared)}</dd>
            </div>
            <div>
              <dt>Agree</dt>
              <dd>
                {report.percentAgreement === null ? '—' : `${Math.round(report.percentAgreement * 100)}%`}
              </dd>
            </div>
            <div>
              <dt>Cohen&apos;s κ</dt>
              <dd data-testid="agreement-cohen">{formatNumber(report.cohenKappa)}</dd>
            </div>
            <div>
              <dt>Fleiss&apos; κ</dt>
              <dd data-testid="agreement-fleiss">{formatNumber(report.fleissKappa)}</dd>
            </div>
            <div>
              <dt>Krippendorff&apos;s α</dt>
              <dd data-testid="agreement-alpha">{formatNumber(report.krippendorffAlpha)}</dd>
            </div>
            {report.krippendorffAlphaInterval !== null && (
              <div title="Scores compared by how far apart they are: near scores disagree less than far ones.">
                <dt>α (interval)</dt>
                <dd data-testid="agreement-alpha-interval">
                  {formatNumber(report.krippendorffAlphaInterval)}
                </dd>
              </div>
            )}
            <div>
              <dt>Disagreements</dt>
              <dd>{formatCount(report.disagreements)}</dd>
            </div>
          </dl>
          {report.pairwise.length > 0 && (
            <table className="report-table">
              <thead>
                <tr>
                  <th>Pair</th>
                  <th className="numeric-cell">Items</th>
                  <th className="numeric-cell">κ</th>
                </tr>
              </thead>
              <tbody>
                {report.pairwise.map((pair) => (
                  <tr key={`${pair.a}|${pair.b}`}>
                    <td>
                      {pair.a} – {pair.b}
                    </td>
                    <td className="numeric-cell">{formatCount(pair.items)}</td>
                    <td className="numeric-cell">{formatNumber(pair.kappa)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <table className="report-table" data-testid="agreement-per-class">
            <thead>
              <tr>
                <th>Class</th>
                <th className="numeric-cell">Fleiss&apos; κ</th>
                <th className="numeric-cell">α</th>
              </tr>
            </thead>
            <tbody>
              {report.perClass.map((entry) => (
                <tr key={entry.name}>
                  <td>{entry.name}</td>
                  <td className="numeric-cell">{formatNumber(entry.fleissKappa)}</td>
                  <td className="numeric-cell">{formatNumber(entry.krippendorffAlpha)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
