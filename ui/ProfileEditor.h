#pragma once
// The fields of one cluster profile, each under its profiles.json name, with the problems
// validateProfile finds shown beside the field they belong to (the same words the store uses
// when it refuses a profile). Knows nothing of storage; ProfilesDialog saves what it holds.
#include "profiles/ProfileValidation.h"
#include "slurm/ClusterProfile.h"

#include <QHash>
#include <QWidget>

#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace corral {

class ProfileEditor : public QWidget {
    Q_OBJECT
public:
    explicit ProfileEditor(QWidget *parent = nullptr);

    void setProfile(const ClusterProfile &profile);
    ClusterProfile profile() const;
    // Every problem: validateProfile's, the time limit's syntax, and `extraCheck`'s (a taken name).
    QList<ProfileProblem> problems() const;
    QString problemText(const QString &field) const;  // what is shown beside `field`, "" when fine
    void setExtraCheck(std::function<QList<ProfileProblem>(const ClusterProfile &)> check);
    void setPartitions(const QStringList &names, const QString &defaultName);  // from sinfo

signals:
    void changed();

private:
    QLineEdit *addText(const char *field, const QString &label, const QString &tip);
    QSpinBox *addNumber(const char *field, const QString &label, int min, int max, const QString &tip);
    QPlainTextEdit *addLines(const char *field, const QString &label, const QString &tip);
    void addRow(const char *field, const QString &label, QWidget *editor, const QString &tip);
    void refresh();

    QHash<QString, QWidget *> m_editors;
    QHash<QString, QLabel *> m_messages;
    QHash<int, QCheckBox *> m_methods;  // AuthMethod → box
    QComboBox *m_partition = nullptr;
    std::function<QList<ProfileProblem>(const ClusterProfile &)> m_extraCheck;
    bool m_loading = false;
};

}  // namespace corral
