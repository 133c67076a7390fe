#include "LogsPanel.h"

#include "runs/FileTail.h"

#include <QCheckBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QTabWidget>
#include <QTextBlock>
#include <QVBoxLayout>

namespace corral {

namespace {
constexpr int kMaxHighlights = 2000;  // beyond that, counting goes on but painting stops
constexpr int kMaxLines = 200000;      // the oldest lines go first

QTextDocument::FindFlags flagsFor(bool caseSensitive, bool backward)
{
    QTextDocument::FindFlags flags;
    if (caseSensitive)
        flags |= QTextDocument::FindCaseSensitively;
    if (backward)
        flags |= QTextDocument::FindBackward;
    return flags;
}
}  // namespace

struct LogsPanel::Stream {
    LogSource source;
    QPlainTextEdit *editor = nullptr;
    FileTail *tail = nullptr;
    QStringDecoder decoder{QStringDecoder::Utf8};
    QString lastError;
};

LogsPanel::LogsPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    auto *bar = new QHBoxLayout;
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("logSearch"));
    m_search->setPlaceholderText(tr("Search the log (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    auto *previous = new QPushButton(tr("Previous"), this);
    previous->setToolTip(tr("Find previous (Shift+Enter, Shift+F3)"));
    auto *next = new QPushButton(tr("Next"), this);
    next->setToolTip(tr("Find next (Enter, F3)"));
    m_caseSensitive = new QCheckBox(tr("Match case"), this);
    m_follow = new QCheckBox(tr("Follow"), this);
    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Keep the newest lines in view"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("logStatus"));
    bar->addWidget(m_search, 1);
    bar->addWidget(previous);
    bar->addWidget(next);
    bar->addWidget(m_caseSensitive);
    bar->addWidget(m_follow);
    bar->addWidget(m_status);
    layout->addLayout(bar);
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    layout->addWidget(m_tabs, 1);

    m_highlightTimer.setSingleShot(true);
    m_highlightTimer.setInterval(150);
    connect(&m_highlightTimer, &QTimer::timeout, this, &LogsPanel::refreshHighlights);
    connect(m_search, &QLineEdit::textChanged, this, [this] { refreshHighlights(); });
    connect(m_caseSensitive, &QCheckBox::toggled, this, [this] { refreshHighlights(); });
    connect(m_search, &QLineEdit::returnPressed, this, [this] { findNext(); });
    connect(next, &QPushButton::clicked, this, [this] { findNext(); });
    connect(previous, &QPushButton::clicked, this, [this] { findPrevious(); });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] { refreshHighlights(); });
    auto *shiftEnter = new QShortcut(QKeySequence(Qt::SHIFT | Qt::Key_Return), m_search);
    shiftEnter->setContext(Qt::WidgetShortcut);
    connect(shiftEnter, &QShortcut::activated, this, [this] { findPrevious(); });
    auto *f3 = new QShortcut(QKeySequence::FindNext, this);
    f3->setContext(Qt::WidgetWithChildrenShortcut);
    connect(f3, &QShortcut::activated, this, [this] { findNext(); });
    auto *shiftF3 = new QShortcut(QKeySequence::FindPrevious, this);
    shiftF3->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shiftF3, &QShortcut::activated, this, [this] { findPrevious(); });
}

LogsPanel::~LogsPanel()
{
    clearStreams();
}

void LogsPanel::clearStreams()
{
    for (Stream *s : std::as_const(m_streams)) {
        delete s->tail;
        delete s->editor;
        delete s;
    }
    m_streams.clear();
    m_tabs->clear();
}

QStringList LogsPanel::sourcePaths() const
{
    QStringList paths;
    for (const Stream *s : m_streams)
        paths << s->source.path;
    return paths;
}

void LogsPanel::setSources(const QList<LogSource> &sources)
{
    QStringList paths;
    for (const LogSource &source : sources)
        paths << source.path;
    if (paths == sourcePaths()) {
        // Same files; a stream whose writer has ended is read to its end and then left alone.
        for (int i = 0; i < sources.size(); ++i) {
            Stream *s = m_streams[i];
            if (s->source.live && !sources[i].live)
                s->tail->finish();
            else if (!s->source.live && sources[i].live)
                s->tail->start();
            s->source.live = sources[i].live;
        }
        return;
    }
    const QString shown = currentStream();
    clearStreams();
    for (const LogSource &source : sources) {
        auto *s = new Stream;
        s->source = source;
        s->editor = new QPlainTextEdit;
        s->editor->setObjectName(QStringLiteral("log-") + source.label);
        s->editor->setReadOnly(true);
        s->editor->setLineWrapMode(QPlainTextEdit::NoWrap);
        s->editor->setMaximumBlockCount(kMaxLines);
        s->editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        s->editor->setToolTip(source.path);
        s->tail = new FileTail(source.reader, source.path, 1000, this);
        connect(s->tail, &FileTail::appended, this, [this, s](const QByteArray &bytes) { append(*s, bytes); });
        connect(s->tail, &FileTail::restarted, this, [s] {
            s->editor->clear();
            s->decoder.resetState();
        });
        connect(s->tail, &FileTail::readFailed, this, [this, s](const QString &message) {
            s->lastError = message;
            if (s->editor == currentEditor() && s->editor->document()->isEmpty())
                m_status->setText(tr("waiting for %1").arg(s->source.path));
        });
        m_tabs->addTab(s->editor, source.label);
        m_streams << s;
        if (source.live)
            s->tail->start();
        else
            s->tail->finish();
    }
    showStream(shown);
    refreshHighlights();
}

void LogsPanel::append(Stream &stream, const QByteArray &bytes)
{
    const QString text = stream.decoder.decode(bytes);
    if (text.isEmpty())
        return;
    QPlainTextEdit *editor = stream.editor;
    QScrollBar *scroll = editor->verticalScrollBar();
    const int keep = scroll->value();
    QTextCursor end(editor->document());
    end.movePosition(QTextCursor::End);
    end.insertText(text);
    if (m_follow->isChecked())
        scroll->setValue(scroll->maximum());
    else
        scroll->setValue(keep);
    if (!m_search->text().isEmpty())
        m_highlightTimer.start();
    else if (editor == currentEditor())
        m_status->clear();
}

QString LogsPanel::text(const QString &label) const
{
    for (const Stream *s : m_streams)
        if (s->source.label == label)
            return s->editor->toPlainText();
    return {};
}

void LogsPanel::showStream(const QString &label)
{
    for (int i = 0; i < m_streams.size(); ++i)
        if (m_streams[i]->source.label == label)
            m_tabs->setCurrentIndex(i);
}

QString LogsPanel::currentStream() const
{
    const int i = m_tabs->currentIndex();
    return i >= 0 && i < m_streams.size() ? m_streams[i]->source.label : QString();
}

QPlainTextEdit *LogsPanel::currentEditor() const
{
    return qobject_cast<QPlainTextEdit *>(m_tabs->currentWidget());
}

void LogsPanel::setSearchText(const QString &text)
{
    m_search->setText(text);
    refreshHighlights();
}

void LogsPanel::focusSearch()
{
    m_search->setFocus();
    m_search->selectAll();
}

void LogsPanel::setFollowing(bool follow)
{
    m_follow->setChecked(follow);
}

bool LogsPanel::findNext()
{
    return find(false);
}

bool LogsPanel::findPrevious()
{
    return find(true);
}

bool LogsPanel::find(bool backward)
{
    QPlainTextEdit *editor = currentEditor();
    const QString needle = m_search->text();
    if (!editor || needle.isEmpty())
        return false;
    const auto flags = flagsFor(m_caseSensitive->isChecked(), backward);
    QTextCursor found = editor->document()->find(needle, editor->textCursor(), flags);
    if (found.isNull()) {  // wrap around
        QTextCursor from(editor->document());
        if (backward)
            from.movePosition(QTextCursor::End);
        found = editor->document()->find(needle, from, flags);
    }
    if (found.isNull()) {
        m_status->setText(tr("no match"));
        return false;
    }
    m_follow->setChecked(false);  // the person is reading: stop jumping to the end
    editor->setTextCursor(found);
    editor->centerCursor();
    refreshHighlights();
    return true;
}

int LogsPanel::currentMatchLine() const
{
    QPlainTextEdit *editor = currentEditor();
    if (!editor || !editor->textCursor().hasSelection())
        return -1;
    return editor->textCursor().block().blockNumber();
}

void LogsPanel::refreshHighlights()
{
    QPlainTextEdit *editor = currentEditor();
    m_matchCount = 0;
    if (!editor) {
        m_status->clear();
        return;
    }
    const QString needle = m_search->text();
    QList<QTextEdit::ExtraSelection> selections;
    if (!needle.isEmpty()) {
        QTextCharFormat all;
        all.setBackground(QColor(0xff, 0xe5, 0x8f));
        QTextCharFormat current;
        current.setBackground(QColor(0xff, 0x9f, 0x43));
        const auto flags = flagsFor(m_caseSensitive->isChecked(), false);
        QTextCursor cursor(editor->document());
        const QTextCursor here = editor->textCursor();
        while (!(cursor = editor->document()->find(needle, cursor, flags)).isNull()) {
            ++m_matchCount;
            if (selections.size() < kMaxHighlights) {
                const bool isCurrent = here.hasSelection() && cursor.selectionStart() == here.selectionStart()
                                       && cursor.selectionEnd() == here.selectionEnd();
                selections.append({cursor, isCurrent ? current : all});
            }
        }
        m_status->setText(m_matchCount == 0   ? tr("no match")
                          : m_matchCount == 1 ? tr("1 match")
                                              : tr("%1 matches").arg(m_matchCount));
    } else {
        m_status->clear();
    }
    editor->setExtraSelections(selections);
}

}  // namespace corral
