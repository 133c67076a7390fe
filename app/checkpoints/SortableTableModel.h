#pragma once
// A table model whose rows a view sorts by clicking a header: what the checkpoint tables share.
// Subclasses keep their rows in a QVector and say how a column sorts (sortKey); this class
// puts the rows in that order and keeps selections and other persistent indexes on the same
// items across the move.
#include "checkpoints/CheckpointText.h"

#include <QAbstractTableModel>
#include <QVector>

#include <algorithm>
#include <numeric>

namespace corral {

class SortableTableModel : public QAbstractTableModel {
public:
    using QAbstractTableModel::QAbstractTableModel;

protected:
    // Stable: rows with equal keys keep their current order.
    template <class T, class Key>
    void sortRows(QVector<T> &rows, Key &&key, Qt::SortOrder order)
    {
        std::vector<int> current(size_t(rows.size()));
        std::iota(current.begin(), current.end(), 0);
        reorderRows(rows, key, order, current);
    }
    // Rows with equal keys in the order of tie(row), ascending, whatever the current order.
    template <class T, class Key, class Tie>
    void sortRows(QVector<T> &rows, Key &&key, Qt::SortOrder order, Tie &&tie)
    {
        std::vector<int> byTie(size_t(rows.size()));
        std::iota(byTie.begin(), byTie.end(), 0);
        std::stable_sort(byTie.begin(), byTie.end(), [&](int a, int b) { return tie(rows.at(a)) < tie(rows.at(b)); });
        reorderRows(rows, key, order, byTie);
    }

private:
    // `base` lists the rows in the order ties are to keep.
    template <class T, class Key>
    void reorderRows(QVector<T> &rows, Key &key, Qt::SortOrder order, const std::vector<int> &base)
    {
        emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
        std::vector<int> newToOld = sortedRows(int(base.size()), [&](int k) { return key(rows.at(base[size_t(k)])); }, order);
        for (int &row : newToOld)
            row = base[size_t(row)];
        QVector<T> sorted;
        sorted.reserve(rows.size());
        std::vector<int> oldToNew(newToOld.size());
        for (size_t row = 0; row < newToOld.size(); ++row) {
            sorted.append(rows.at(newToOld[row]));
            oldToNew[size_t(newToOld[row])] = int(row);
        }
        rows = std::move(sorted);
        const QModelIndexList before = persistentIndexList();
        QModelIndexList after;
        for (const QModelIndex &index : before)
            after << createIndex(oldToNew.at(size_t(index.row())), index.column());
        changePersistentIndexList(before, after);
        emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
    }
};

}  // namespace corral
