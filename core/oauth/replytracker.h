#pragma once

#include <QList>
#include <QPointer>
#include <QtGlobal>

#include <functional>

class QNetworkReply;
class QObject;

namespace EasyCrm::OAuth {

// The replies one client has under way. Each handler runs exactly once, from the event loop,
// and never after the owner is gone: destroying the tracker aborts the replies silently.
class ReplyTracker
{
public:
    explicit ReplyTracker(QObject *owner)
        : m_owner(owner)
    {}
    ~ReplyTracker();
    Q_DISABLE_COPY_MOVE(ReplyTracker)

    void track(QNetworkReply *reply, std::function<void(QNetworkReply *)> finished);
    // For answers known before any request is sent: still delivered asynchronously.
    void later(std::function<void()> call);
    void abortAll();

private:
    QObject *m_owner;
    QList<QPointer<QNetworkReply>> m_replies;
};

} // namespace EasyCrm::OAuth
