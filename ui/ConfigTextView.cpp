#include "ConfigTextView.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextBlock>
#include <QVBoxLayout>

namespace corral {

ConfigTextView::ConfigTextView(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_edit = new QPlainTextEdit(this);
    m_edit->setObjectName(QStringLiteral("yamlText"));
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_edit->setTabChangesFocus(false);
    layout->addWidget(m_edit, 1);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("yamlStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    m_pause.setSingleShot(true);
    m_pause.setInterval(300);
    connect(&m_pause, &QTimer::timeout, this, [this]() { emit textEdited(text()); });
    connect(m_edit, &QPlainTextEdit::textChanged, this, [this]() {
        if (!m_setting)
            m_pause.start();
    });
}

QString ConfigTextView::text() const
{
    return m_edit->toPlainText();
}

void ConfigTextView::setText(const QString &text)
{
    if (text == m_edit->toPlainText())
        return;
    m_setting = true;
    const int line = m_edit->textCursor().blockNumber();
    const int scroll = m_edit->verticalScrollBar() ? m_edit->verticalScrollBar()->value() : 0;
    QTextCursor all(m_edit->document());
    all.beginEditBlock();
    all.select(QTextCursor::Document);
    all.insertText(text);
    all.endEditBlock();
    QTextCursor back(m_edit->document()->findBlockByNumber(std::min(line, m_edit->document()->blockCount() - 1)));
    m_edit->setTextCursor(back);
    if (m_edit->verticalScrollBar())
        m_edit->verticalScrollBar()->setValue(scroll);
    m_setting = false;
}

void ConfigTextView::flush()
{
    if (m_pause.isActive()) {
        m_pause.stop();
        emit textEdited(text());
    }
}

int ConfigTextView::lineOf(const std::string &location)
{
    const size_t colon = location.rfind(':');
    if (colon == std::string::npos || colon + 1 >= location.size())
        return 0;
    int line = 0;
    for (size_t i = colon + 1; i < location.size(); ++i) {
        if (location[i] < '0' || location[i] > '9')
            return 0;
        line = line * 10 + (location[i] - '0');
    }
    return line;
}

void ConfigTextView::showProblems(const std::vector<ConfigProblem> &problems)
{
    QList<QTextEdit::ExtraSelection> marks;
    QStringList lines;
    for (const auto &problem : problems) {
        const int line = lineOf(problem.location);
        const QString what = problem.field.empty() ? QString::fromStdString(problem.message)
                                                   : QString::fromStdString(problem.field + ": " + problem.message);
        lines << (line > 0 ? tr("line %1: %2").arg(line).arg(what) : what);
        if (line <= 0)
            continue;
        QTextEdit::ExtraSelection mark;
        mark.cursor = QTextCursor(m_edit->document()->findBlockByNumber(line - 1));
        mark.format.setBackground(QColor(0xff, 0xeb, 0xe9));
        mark.format.setProperty(QTextFormat::FullWidthSelection, true);
        mark.format.setToolTip(what);
        marks << mark;
    }
    m_edit->setExtraSelections(marks);
    m_status->setText(lines.isEmpty() ? tr("No problems (the config checks of corral-train validate).") : lines.join(QLatin1Char('\n')));
    m_status->setStyleSheet(lines.isEmpty() ? QStringLiteral("color: #1a7f37") : QStringLiteral("color: #cf222e"));
}

void ConfigTextView::setReadOnly(bool readOnly)
{
    m_edit->setReadOnly(readOnly);
}

}  // namespace corral
