#include "RunTableView.h"

#include <QApplication>
#include <QHeaderView>
#include <QPainter>
#include <QStyledItemDelegate>

#include <algorithm>

namespace corral {

QColor runStateColor(RunState state)
{
    switch (state) {
    case RunState::Running: return QColor(0x1f, 0x6f, 0xd1);
    case RunState::Finished: return QColor(0x1a, 0x7f, 0x37);
    case RunState::Failed: return QColor(0xcf, 0x22, 0x2e);
    case RunState::Timeout: return QColor(0xbc, 0x4c, 0x00);
    case RunState::Pending:
    case RunState::Submitting: return QColor(0x9a, 0x67, 0x00);
    case RunState::Stopped: return QColor(0x82, 0x50, 0xdf);
    case RunState::Cancelled:
    case RunState::Unknown: return QColor(0x6e, 0x77, 0x81);
    case RunState::Draft: break;
    }
    return {};
}

QVariant RunStateColors::data(const QModelIndex &index, int role) const
{
    if (role == Qt::ForegroundRole && index.column() == RunListModel::State) {
        const QColor color = runStateColor(static_cast<RunState>(QIdentityProxyModel::data(index, RunListModel::StateRole).toInt()));
        if (color.isValid())
            return QBrush(color);
    }
    if (role == Qt::FontRole && index.column() == RunListModel::State) {
        QFont font;
        font.setBold(true);
        return font;
    }
    return QIdentityProxyModel::data(index, role);
}

namespace {
// The Step column: "120/400" over a thin bar of the fraction done.
class ProgressDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const double fraction = index.data(RunListModel::ProgressRole).toDouble();
        if (fraction >= 0) {
            QStyleOptionViewItem bg = option;
            initStyleOption(&bg, index);
            bg.text.clear();
            QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &bg, painter);
            const QRect bar = option.rect.adjusted(3, option.rect.height() - 6, -3, -2);
            painter->fillRect(bar, option.palette.color(QPalette::Midlight));
            const int filled = static_cast<int>(bar.width() * std::clamp(fraction, 0.0, 1.0));
            const QColor color = runStateColor(static_cast<RunState>(index.data(RunListModel::StateRole).toInt()));
            painter->fillRect(QRect(bar.topLeft(), QSize(filled, bar.height())),
                              color.isValid() ? color : option.palette.color(QPalette::Highlight));
            painter->save();
            painter->setPen(option.state & QStyle::State_Selected ? option.palette.color(QPalette::HighlightedText)
                                                                   : option.palette.color(QPalette::Text));
            painter->drawText(option.rect.adjusted(3, 0, -3, -5), Qt::AlignRight | Qt::AlignVCenter, index.data().toString());
            painter->restore();
            return;
        }
        QStyledItemDelegate::paint(painter, option, index);
    }
};
}  // namespace

RunTableView::RunTableView(RunListModel &runs, QWidget *parent) : QTableView(parent), m_runs(runs)
{
    auto *colors = new RunStateColors(this);
    colors->setSourceModel(&m_runs);
    setModel(colors);
    setItemDelegateForColumn(RunListModel::Progress, new ProgressDelegate(this));
    setSelectionBehavior(QAbstractItemView::SelectRows);
    // Several runs can be selected: their curves overlay; the detail shows the current one.
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setSectionsMovable(true);
    verticalHeader()->hide();
    setWordWrap(false);
    setAlternatingRowColors(true);
}

QString RunTableView::currentRunId() const
{
    const QModelIndex current = selectionModel()->currentIndex();
    return current.isValid() ? m_runs.runAt(current.row()).id : QString();
}

QStringList RunTableView::selectedRunIds() const
{
    QList<int> rows;
    for (const QModelIndex &index : selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end());  // list order, not click order: a stable legend
    QStringList ids;
    for (const int row : rows)
        ids << m_runs.runAt(row).id;
    return ids;
}

void RunTableView::selectRun(const QString &id)
{
    const int row = m_runs.rowOf(id);
    if (row < 0)
        return;
    selectionModel()->setCurrentIndex(model()->index(row, 0),
                                      QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    scrollTo(model()->index(row, 0));
}

}  // namespace corral
