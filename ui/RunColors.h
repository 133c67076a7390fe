#pragma once
// A colour per run that does not change while the app runs: assigned the first time a run
// is drawn and kept, so selecting or deselecting other runs never repaints a curve in
// another colour. Runs take the palette in order (its neighbours contrast most: blue,
// vermillion, green…); past its end, a hue from a hash of the run id.
#include <QColor>
#include <QHash>
#include <QString>

namespace corral {

class RunColors {
public:
    QColor colorFor(const QString &runId);
    int assignedCount() const { return int(m_assigned.size()); }

    static quint32 stableHash(const QString &text);  // FNV-1a over UTF-16: the same on every machine
    static int paletteSize();

private:
    QHash<QString, QColor> m_assigned;
};

}  // namespace corral
