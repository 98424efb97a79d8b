#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

#include <functional>

namespace EasyCrm::Testing {

// Stands in for the person's browser as the service's browser-open hook. It reads the state
// and the redirect URI from the authorize URL, then visits the app's loopback listener the
// way a browser follows the provider's redirect: asynchronously, one visit after the other.
//
// A visit is a query for the redirect URI ("code=4%2Fabc&state={state}&iss={iss}", sent as
// written) or, starting with '/', a path of its own ("/favicon.ico"). {state} stands for the
// attempt's state, {iss} for the percent-encoded issuer.
class LoopbackBrowser final : public QObject
{
    Q_OBJECT

public:
    explicit LoopbackBrowser(QObject *parent = nullptr);

    void setIssuer(const QUrl &issuer) { m_issuer = issuer; }
    // The visits made when the browser opens; none: the person never comes back.
    void setVisits(QList<QByteArray> visits) { m_script = std::move(visits); }
    std::function<bool(const QUrl &)> opener();

    // Visits now, after the visits under way.
    void visit(const QByteArray &visit);

    int openCount() const { return m_opened; }
    QUrl authorizeUrl() const { return m_authorizeUrl; }
    QByteArray state() const { return m_state; }
    QUrl redirectUri() const { return m_redirectUri; }
    // The HTTP status of every answered visit, in order; 0 for a visit that got no answer.
    QList<int> statuses() const { return m_statuses; }
    // Every URL visited, as sent.
    QList<QByteArray> visited() const { return m_visited; }
    bool busy() const { return m_inFlight || !m_queue.isEmpty(); }

signals:
    void answered(int status);

private:
    bool open(const QUrl &authorizeUrl);
    void next();
    QUrl target(QByteArray visit) const;

    QNetworkAccessManager m_network;
    QUrl m_issuer;
    QList<QByteArray> m_script;
    QList<QByteArray> m_queue;
    bool m_inFlight = false;
    int m_opened = 0;
    QUrl m_authorizeUrl;
    QByteArray m_state;
    QUrl m_redirectUri;
    QList<int> m_statuses;
    QList<QByteArray> m_visited;
};

} // namespace EasyCrm::Testing
