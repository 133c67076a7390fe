#include "CheckpointCompareDialog.h"

#include <QBrush>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFont>
#include <QHeaderView>
#include <QIdentityProxyModel>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace corral {

namespace {
// Tints rows that differ and sets section names apart: a view concern, kept out of corral_core.
class DifferenceTint : public QIdentityProxyModel {
public:
    using QIdentityProxyModel::QIdentityProxyModel;
    QVariant data(const QModelIndex &index, int role) const override
    {
        if (role == Qt::BackgroundRole && QIdentityProxyModel::data(index, CheckpointComparisonModel::DiffersRole).toBool())
            return QBrush(QColor(0xff, 0xf1, 0xc2));
        if (role == Qt::ForegroundRole && index.column() == CheckpointComparisonModel::Section)
            return QBrush(QColor(0x6a, 0x73, 0x7d));
        if (role == Qt::FontRole && index.column() >= CheckpointComparisonModel::FirstValue
            && QIdentityProxyModel::data(index, CheckpointComparisonModel::DiffersRole).toBool()) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return QIdentityProxyModel::data(index, role);
    }
};
}  // namespace

CheckpointCompareDialog::CheckpointCompareDialog(const QVector<ComparedCheckpoint> &checkpoints, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Compare %n checkpoint(s)", nullptr, int(checkpoints.size())));
    m_model = new CheckpointComparisonModel(this);
    m_model->setCheckpoints(checkpoints);
    auto *tint = new DifferenceTint(this);
    tint->setSourceModel(m_model);
    m_table = new QTableView(this);
    m_table->setModel(tint);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);

    m_only = new QCheckBox(tr("Only differences"), this);
    connect(m_only, &QCheckBox::toggled, m_model, &CheckpointComparisonModel::setOnlyDifferences);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Tinted rows differ between the checkpoints."), this));
    layout->addWidget(m_table);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_only);
    bottom->addStretch();
    bottom->addWidget(buttons);
    layout->addLayout(bottom);
    resize(760, 560);
}

}  // namespace corral
