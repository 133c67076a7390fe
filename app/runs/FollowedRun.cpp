#include "runs/FollowedRun.h"

#include "metrics/RunWatcher.h"

namespace corral {

FollowedRun::FollowedRun(QString runDir, QObject *parent) : QObject(parent), m_runDir(std::move(runDir))
{
    m_watcher = new RunWatcher(m_runDir, 500, this);
    connect(m_watcher, &RunWatcher::metricsArrived, this,
            [this](const QVector<MetricRecord> &records, bool restarted) {
                if (restarted)
                    m_progress = RunProgress{0, m_progress.maxSteps};
                for (const MetricRecord &r : records)
                    m_progress.add(r);
                emit metricsArrived(records, restarted);
                emit progressChanged();
            });
    connect(m_watcher, &RunWatcher::eventsArrived, this, [this](const QVector<QJsonObject> &events, bool restarted) {
        for (const QJsonObject &e : events) {
            const QString kind = e.value(QLatin1StringView("kind")).toString();
            if (kind == QLatin1StringView("started") || kind == QLatin1StringView("resumed")) {
                m_state = RunState::Running;
                m_progress.maxSteps = e.value(QLatin1StringView("max_steps")).toInteger(m_progress.maxSteps);
            } else if (kind == QLatin1StringView("finished")) {
                m_state = RunState::Finished;
            } else if (kind == QLatin1StringView("failed")) {
                m_state = RunState::Failed;
            } else if (kind == QLatin1StringView("preempted")) {
                m_state = RunState::Stopped;
            }
        }
        emit eventsArrived(events, restarted);
        emit progressChanged();
    });
    connect(m_watcher, &RunWatcher::problemsFound, this, &FollowedRun::problemsFound);
}

int FollowedRun::malformedLines() const
{
    return m_watcher->malformedLines();
}

void FollowedRun::start()
{
    m_watcher->start();
}

}  // namespace corral
