#include "core/oauth/loopbackreplyhandler.h"

#include "logcapture.h"

#include <QNetworkInterface>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::OAuth;

namespace {

// A state as makeState() makes them, with both '-' and '_' in it.
const QByteArray kGoodState = "Ab-_0123456789abcdefghijklmnopqrstuvwxyzABC";
const QByteArray kGoodStateReEncoded = "Ab%2D%5F0123456789abcdefghijklmnopqrstuvwxyzABC";
const QByteArray kPath = "/api/integrations/social/callback";

struct HttpAnswer
{
    int status = 0;
    QByteArray head;
    QByteArray body;
};

HttpAnswer parseAnswer(const QByteArray &raw)
{
    HttpAnswer answer;
    const qsizetype headEnd = raw.indexOf("\r\n\r\n");
    answer.head = headEnd < 0 ? raw : raw.first(headEnd);
    answer.body = headEnd < 0 ? QByteArray() : raw.sliced(headEnd + 4);
    answer.status = answer.head.split(' ').value(1).toInt();
    return answer;
}

// Sends each piece once the previous one is out and the listener has had time to answer it
// (it must not), then collects the answer until the listener closes the connection.
void exchange(quint16 port, const QList<QByteArray> &pieces, HttpAnswer &answer)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    QTRY_COMPARE(socket.state(), QAbstractSocket::ConnectedState);
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        socket.write(pieces.at(i));
        QTRY_COMPARE(socket.bytesToWrite(), 0);
        if (i + 1 < pieces.size()) {
            const bool early = QTest::qWaitFor(
                [&socket] {
                    return socket.bytesAvailable() > 0 ||
                           socket.state() != QAbstractSocket::ConnectedState;
                },
                150);
            QVERIFY2(!early, "answered before the request was complete");
        }
    }
    QTRY_COMPARE(socket.state(), QAbstractSocket::UnconnectedState);
    answer = parseAnswer(socket.readAll());
}

QByteArray get(const QByteArray &target, quint16 port)
{
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) +
           "\r\nUser-Agent: test\r\nAccept: text/html\r\n\r\n";
}

} // namespace

class TestLoopbackReplyHandler final : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void answersEachRequest_data();
    void answersEachRequest();
    void answersRequestsSplitAcrossSegments_data();
    void answersRequestsSplitAcrossSegments();
    void endsWithAClearOutcome_data();
    void endsWithAClearOutcome();
    void completesOnceOnly();
    void receiverMayCloseAtOnce();
    void failsClosedWithoutValidator();
    void callbackIsTheLoopbackLiteral();
    void listensOnLoopbackOnly();
    void fixedFreePortIsUsed();
    void logsNoCodeOrState();

private:
    void validateWith(StateVerdict otherwise = StateVerdict::Unknown);

    std::unique_ptr<LoopbackReplyHandler> m_handler;
    QList<QByteArray> m_asked;
};

void TestLoopbackReplyHandler::init()
{
    m_asked.clear();
    m_handler = std::make_unique<LoopbackReplyHandler>();
    QVERIFY(m_handler->listen().ok());
    validateWith();
}

void TestLoopbackReplyHandler::cleanup()
{
    m_handler.reset();
}

void TestLoopbackReplyHandler::validateWith(StateVerdict otherwise)
{
    m_handler->setStateValidator([this, otherwise](const QByteArray &state) {
        m_asked.append(state);
        if (state == kGoodState)
            return StateVerdict::Accepted;
        if (state == "expired-state")
            return StateVerdict::Expired;
        if (state == "used-state")
            return StateVerdict::AlreadyUsed;
        return otherwise;
    });
}

void TestLoopbackReplyHandler::answersEachRequest_data()
{
    QTest::addColumn<QByteArray>("request"); // "{get}" is a GET with a proper Host header
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("outcome");  // received | failed | rejected:<verdict> | none
    QTest::addColumn<QByteArray>("value"); // the code, or the error and its description
    QTest::addColumn<int>("validatorCalls");

    const QByteArray cb = kPath + '?';
    const QByteArray good = "state=" + kGoodState;
    QTest::newRow("code") << QByteArray("{get}" + cb + "code=abc&" + good) << 200
                          << QStringLiteral("received") << QByteArray("abc") << 1;
    QTest::newRow("code-with-encoded-slash")
        << QByteArray("{get}" + cb + "code=4%2F0AbCd&" + good) << 200 << QStringLiteral("received")
        << QByteArray("4/0AbCd") << 1;
    QTest::newRow("code-with-encoded-plus")
        << QByteArray("{get}" + cb + "code=a%2Bb&" + good) << 200 << QStringLiteral("received")
        << QByteArray("a+b") << 1;
    QTest::newRow("state-percent-encoded-differently")
        << QByteArray("{get}" + cb + "code=abc&state=" + kGoodStateReEncoded) << 200
        << QStringLiteral("received") << QByteArray("abc") << 1;
    QTest::newRow("access-denied-with-state")
        << QByteArray("{get}" + cb + "error=access_denied&error_description=The+user+said+no%2C" +
                      "+twice&" + good)
        << 200 << QStringLiteral("failed") << QByteArray("access_denied|The user said no, twice")
        << 1;
    QTest::newRow("access-denied-without-state")
        << QByteArray("{get}" + cb + "error=access_denied&error_description=The+user+said+no")
        << 400 << QStringLiteral("rejected:Missing") << QByteArray() << 0;
    QTest::newRow("markup-in-error-description")
        << QByteArray("{get}" + cb + "error=server_error&error_description=%3Cscript%3Ex()" +
                      "%3C%2Fscript%3E&" + good)
        << 200 << QStringLiteral("failed") << QByteArray("server_error|<script>x()</script>") << 1;
    QTest::newRow("neither-code-nor-error")
        << QByteArray("{get}" + cb + good) << 400 << QStringLiteral("failed")
        << QByteArray("invalid_request|") << 1;
    QTest::newRow("state-missing") << QByteArray("{get}" + cb + "code=abc") << 400
                                   << QStringLiteral("rejected:Missing") << QByteArray() << 0;
    QTest::newRow("state-empty") << QByteArray("{get}" + cb + "code=abc&state=") << 400
                                 << QStringLiteral("rejected:Missing") << QByteArray() << 0;
    QTest::newRow("state-twice") << QByteArray("{get}" + cb + "code=abc&" + good + '&' + good)
                                 << 400 << QStringLiteral("rejected:Missing") << QByteArray() << 0;
    QTest::newRow("state-unknown")
        << QByteArray("{get}" + cb + "code=abc&state=someone-else") << 400
        << QStringLiteral("rejected:Unknown") << QByteArray() << 1;
    QTest::newRow("state-expired")
        << QByteArray("{get}" + cb + "code=abc&state=expired-state") << 400
        << QStringLiteral("rejected:Expired") << QByteArray() << 1;
    QTest::newRow("state-reused") << QByteArray("{get}" + cb + "code=abc&state=used-state") << 400
                                  << QStringLiteral("rejected:AlreadyUsed") << QByteArray() << 1;
    QTest::newRow("code-twice") << QByteArray("{get}" + cb + "code=a&code=b&" + good) << 400
                                << QStringLiteral("none") << QByteArray() << 0;
    QTest::newRow("favicon") << QByteArray("{get}/favicon.ico") << 404 << QStringLiteral("none")
                             << QByteArray() << 0;
    QTest::newRow("root") << QByteArray("{get}/") << 404 << QStringLiteral("none") << QByteArray()
                          << 0;
    QTest::newRow("wrong-path-prefix-longer") << QByteArray("{get}" + kPath + "X?code=abc&" + good)
                                              << 404 << QStringLiteral("none") << QByteArray() << 0;
    QTest::newRow("wrong-path-prefix-shorter")
        << QByteArray("{get}/api/integrations/social?code=abc&" + good) << 404
        << QStringLiteral("none") << QByteArray() << 0;
    QTest::newRow("trailing-slash") << QByteArray("{get}" + kPath + "/?code=abc&" + good) << 404
                                    << QStringLiteral("none") << QByteArray() << 0;
    QTest::newRow("post") << QByteArray("POST " + cb + "code=abc&" + good +
                                        " HTTP/1.1\r\nHost: {host}\r\nContent-Length: 3\r\n"
                                        "\r\nabc")
                          << 405 << QStringLiteral("none") << QByteArray() << 0;
    QTest::newRow("head") << QByteArray("HEAD " + cb + "code=abc&" + good +
                                        " HTTP/1.1\r\nHost: {host}\r\n\r\n")
                          << 405 << QStringLiteral("none") << QByteArray() << 0;
    QTest::newRow("another-host") << QByteArray("GET " + cb + "code=abc&" + good +
                                                " HTTP/1.1\r\nHost: evil.example\r\n\r\n")
                                  << 400 << QStringLiteral("none") << QByteArray() << 0;
    QTest::newRow("no-host-in-http-1.1")
        << QByteArray("GET " + cb + "code=abc&" + good + " HTTP/1.1\r\n\r\n") << 400
        << QStringLiteral("none") << QByteArray() << 0;
    QTest::newRow("garbage-request-line")
        << QByteArray("HELLO THERE\r\n\r\n") << 400 << QStringLiteral("none") << QByteArray() << 0;
    QTest::newRow("oversized-request")
        << QByteArray("GET " + cb + "code=abc&" + good +
                      " HTTP/1.1\r\nHost: {host}\r\nX-Big: " + QByteArray(20000, 'x') + "\r\n\r\n")
        << 431 << QStringLiteral("none") << QByteArray() << 0;
    QTest::newRow("oversized-request-line")
        << QByteArray("{get}" + cb + "code=" + QByteArray(9000, 'c') + '&' + good) << 414
        << QStringLiteral("none") << QByteArray() << 0;
}

void TestLoopbackReplyHandler::answersEachRequest()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QString, outcome);
    QFETCH(QByteArray, value);
    QFETCH(int, validatorCalls);

    const quint16 port = m_handler->port();
    const QByteArray host = "127.0.0.1:" + QByteArray::number(port);
    if (request.startsWith("{get}"))
        request = get(request.sliced(5), port);
    request.replace("{host}", host);

    QSignalSpy received(m_handler.get(), &LoopbackReplyHandler::authorizationReceived);
    QSignalSpy failed(m_handler.get(), &LoopbackReplyHandler::authorizationFailed);
    QSignalSpy rejected(m_handler.get(), &LoopbackReplyHandler::stateRejected);
    QSignalSpy qtCallback(m_handler.get(), &QAbstractOAuthReplyHandler::callbackReceived);

    HttpAnswer answer;
    exchange(port, {request}, answer);
    if (QTest::currentTestFailed())
        return;

    QCOMPARE(answer.status, status);
    QVERIFY(answer.head.contains("\r\nConnection: close"));
    QVERIFY(answer.head.contains("Content-Type: text/html; charset=utf-8"));
    QVERIFY2(!answer.body.contains("<script>"), "provider text is escaped in the page");
    QCOMPARE(answer.head.contains("\r\nAllow: GET"), status == 405);
    QCOMPARE(m_asked.size(), validatorCalls);
    // Qt's flow would request the token itself on this signal (double-encoding the code).
    QCOMPARE(qtCallback.count(), 0);

    QCOMPARE(received.count(), outcome == u"received" ? 1 : 0);
    QCOMPARE(failed.count(), outcome == u"failed" ? 1 : 0);
    QCOMPARE(rejected.count(), outcome.startsWith(u"rejected:") ? 1 : 0);
    if (outcome == u"received") {
        const auto response = received.first().first().value<AuthorizationResponse>();
        QCOMPARE(response.code, value);
        QCOMPARE(response.state, kGoodState);
    } else if (outcome == u"failed") {
        const auto response = failed.first().first().value<AuthorizationErrorResponse>();
        QCOMPARE(response.error + u'|' + response.description, QString::fromUtf8(value));
        QCOMPARE(response.state, kGoodState);
    } else if (outcome.startsWith(u"rejected:")) {
        const auto verdict = rejected.first().at(0).value<StateVerdict>();
        QCOMPARE(stateVerdictName(verdict), outcome.sliced(9));
        QCOMPARE(rejected.first().at(1).toString(), QStringLiteral("127.0.0.1"));
    }
}

void TestLoopbackReplyHandler::answersRequestsSplitAcrossSegments_data()
{
    QTest::addColumn<int>("splitAfter"); // a byte offset into the request, or -1: the head end
    QTest::newRow("inside-request-line") << 20;
    QTest::newRow("inside-host-header") << -2;
    QTest::newRow("before-final-empty-line") << -1;
}

void TestLoopbackReplyHandler::answersRequestsSplitAcrossSegments()
{
    QFETCH(int, splitAfter);
    const QByteArray request = get(kPath + "?code=split&state=" + kGoodState, m_handler->port());
    qsizetype at = splitAfter;
    if (splitAfter == -1)
        at = request.size() - 2;
    if (splitAfter == -2)
        at = request.indexOf("Host: ") + 8;
    QSignalSpy received(m_handler.get(), &LoopbackReplyHandler::authorizationReceived);

    HttpAnswer answer;
    exchange(m_handler->port(), {request.first(at), request.sliced(at)}, answer);
    if (QTest::currentTestFailed())
        return;

    QCOMPARE(answer.status, 200);
    QCOMPARE(received.count(), 1);
    QCOMPARE(received.first().first().value<AuthorizationResponse>().code, QByteArray("split"));
}

void TestLoopbackReplyHandler::endsWithAClearOutcome_data()
{
    QTest::addColumn<bool>("portTaken"); // another program holds the fixed redirect port
    QTest::addColumn<int>("waitLimitMs");
    QTest::addColumn<QList<QByteArray>>("visits"); // what the browser asks for, in order
    QTest::addColumn<QList<int>>("statuses");
    QTest::addColumn<bool>("cancel");     // the owner closes the listener after the visits
    QTest::addColumn<QString>("outcome"); // received | PortInUse | timedOut | closed

    const QByteArray callback = kPath + "?code=abc&state=" + kGoodState;
    QTest::newRow("favicon-then-callback")
        << false << 1000 << QList<QByteArray>{"/favicon.ico", callback, "/favicon.ico"}
        << QList<int>{404, 200, 404} << false << QStringLiteral("received");
    QTest::newRow("fixed-port-already-taken") << true << 200 << QList<QByteArray>() << QList<int>()
                                              << false << QStringLiteral("PortInUse");
    // A refused callback is not the person coming back: the wait goes on until its limit.
    QTest::newRow("person-never-comes-back")
        << false << 300 << QList<QByteArray>{"/favicon.ico", kPath + "?code=abc&state=forged"}
        << QList<int>{404, 400} << false << QStringLiteral("timedOut");
    QTest::newRow("cancel") << false << 300 << QList<QByteArray>{"/favicon.ico"} << QList<int>{404}
                            << true << QStringLiteral("closed");
}

// Every way a wait for the browser can end gives its owner one typed outcome, and none but a
// received callback leaves the port open or a connection hanging.
void TestLoopbackReplyHandler::endsWithAClearOutcome()
{
    QFETCH(bool, portTaken);
    QFETCH(int, waitLimitMs);
    QFETCH(QList<QByteArray>, visits);
    QFETCH(QList<int>, statuses);
    QFETCH(bool, cancel);
    QFETCH(QString, outcome);

    QTcpServer occupant;
    if (portTaken)
        QVERIFY(occupant.listen(QHostAddress::LocalHost));
    LoopbackReplyHandler handler;
    handler.setStateValidator([](const QByteArray &state) {
        return state == kGoodState ? StateVerdict::Accepted : StateVerdict::Unknown;
    });
    handler.setWaitLimit(std::chrono::milliseconds(waitLimitMs));
    QSignalSpy received(&handler, &LoopbackReplyHandler::authorizationReceived);
    QSignalSpy failed(&handler, &LoopbackReplyHandler::authorizationFailed);
    QSignalSpy timedOut(&handler, &LoopbackReplyHandler::timedOut);
    const auto timesOutWithin = [&timedOut](int ms) {
        return QTest::qWaitFor([&timedOut] { return !timedOut.isEmpty(); }, ms);
    };

    // 1. Listen: on any free port, or on the one another program holds.
    const Result<void> listening = handler.listen(portTaken ? occupant.serverPort() : 0);
    if (outcome == u"PortInUse") {
        QVERIFY(!listening.ok());
        QCOMPARE(listening.error().code, ErrorCode::PortInUse);
        QVERIFY(listening.error().message.contains(QString::number(occupant.serverPort())));
        QVERIFY(!handler.isListening());
        QVERIFY(occupant.isListening());
        // It never listened, so no wait may end later on top of the failure.
        QVERIFY(!timesOutWithin(3 * waitLimitMs));
        return;
    }
    QVERIFY2(listening.ok(), qPrintable(listening.ok() ? QString() : listening.error().detail));
    const quint16 port = handler.port();

    // 2. The browser's visits, then one of its connections that never finishes a request.
    QList<int> answered;
    for (const QByteArray &target : std::as_const(visits)) {
        HttpAnswer answer;
        exchange(port, {get(target, port)}, answer);
        if (QTest::currentTestFailed())
            return;
        answered.append(answer.status);
    }
    QCOMPARE(answered, statuses);
    QTcpSocket idle;
    idle.connectToHost(QHostAddress::LocalHost, port);
    QTRY_COMPARE(idle.state(), QAbstractSocket::ConnectedState);
    idle.write("GET " + kPath + "?code=abc");
    QTRY_COMPARE(idle.bytesToWrite(), 0);

    // 3. The ending.
    if (cancel)
        handler.close();
    if (outcome == u"received") {
        QCOMPARE(received.count(), 1);
        QCOMPARE(received.first().first().value<AuthorizationResponse>().code, QByteArray("abc"));
        // The code ended the wait: the limit passing later must not close the listener under
        // the owner, who closes it once the code is spent.
        QVERIFY(!timesOutWithin(2 * waitLimitMs));
        QVERIFY(handler.isListening());
        return;
    }
    if (outcome == u"timedOut")
        QTRY_COMPARE_WITH_TIMEOUT(timedOut.count(), 1, 10 * waitLimitMs);
    QVERIFY(!handler.isListening());
    QTRY_COMPARE(idle.state(), QAbstractSocket::UnconnectedState);
    QTcpSocket late;
    late.connectToHost(QHostAddress::LocalHost, port);
    QTRY_COMPARE(late.state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(late.error(), QAbstractSocket::ConnectionRefusedError);
    QCOMPARE(received.count(), 0);
    QCOMPARE(failed.count(), 0);
    if (outcome == u"closed") // a cancelled wait never times out afterwards
        QVERIFY(!timesOutWithin(2 * waitLimitMs));
    QCOMPARE(timedOut.count(), outcome == u"timedOut" ? 1 : 0);
}

void TestLoopbackReplyHandler::completesOnceOnly()
{
    // A validator that would accept the same state twice: the handler still completes once.
    m_handler->setStateValidator([](const QByteArray &) { return StateVerdict::Accepted; });
    QSignalSpy received(m_handler.get(), &LoopbackReplyHandler::authorizationReceived);
    QSignalSpy failed(m_handler.get(), &LoopbackReplyHandler::authorizationFailed);
    QSignalSpy rejected(m_handler.get(), &LoopbackReplyHandler::stateRejected);
    const quint16 port = m_handler->port();

    HttpAnswer first;
    exchange(port, {get(kPath + "?code=one&state=" + kGoodState, port)}, first);
    HttpAnswer second;
    exchange(port, {get(kPath + "?error=access_denied&state=" + kGoodState, port)}, second);
    if (QTest::currentTestFailed())
        return;

    QCOMPARE(first.status, 200);
    QCOMPARE(second.status, 400);
    QCOMPARE(received.count(), 1);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(rejected.count(), 1);
    QCOMPARE(rejected.first().first().value<StateVerdict>(), StateVerdict::AlreadyUsed);
}

void TestLoopbackReplyHandler::receiverMayCloseAtOnce()
{
    // The service closes the listener as soon as it has the code; the page still arrives.
    connect(m_handler.get(), &LoopbackReplyHandler::authorizationReceived, m_handler.get(),
            &LoopbackReplyHandler::close);
    const quint16 port = m_handler->port();
    HttpAnswer answer;
    exchange(port, {get(kPath + "?code=abc&state=" + kGoodState, port)}, answer);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(answer.status, 200);
    QVERIFY(answer.body.contains("close this tab"));
    QVERIFY(!m_handler->isListening());
}

void TestLoopbackReplyHandler::failsClosedWithoutValidator()
{
    LoopbackReplyHandler handler;
    QVERIFY(handler.listen().ok());
    QSignalSpy received(&handler, &LoopbackReplyHandler::authorizationReceived);
    QSignalSpy rejected(&handler, &LoopbackReplyHandler::stateRejected);
    HttpAnswer answer;
    exchange(handler.port(), {get(kPath + "?code=abc&state=" + kGoodState, handler.port())},
             answer);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(answer.status, 400);
    QCOMPARE(received.count(), 0);
    QCOMPARE(rejected.count(), 1);
    QCOMPARE(rejected.first().first().value<StateVerdict>(), StateVerdict::Unknown);
}

void TestLoopbackReplyHandler::callbackIsTheLoopbackLiteral()
{
    // RFC 8252 §7.3: the IP literal, not "localhost".
    QCOMPARE(m_handler->callback(),
             QStringLiteral("http://127.0.0.1:%1/api/integrations/social/callback")
                 .arg(m_handler->port()));
    QVERIFY(m_handler->port() != 0);
}

void TestLoopbackReplyHandler::listensOnLoopbackOnly()
{
    const quint16 port = m_handler->port();
    QList<QHostAddress> elsewhere{QHostAddress(QStringLiteral("127.0.0.2")),
                                  QHostAddress::LocalHostIPv6};
    for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
        if (!address.isLoopback() && address.protocol() == QAbstractSocket::IPv4Protocol)
            elsewhere.append(address);
    }
    for (const QHostAddress &address : elsewhere) {
        QTcpSocket socket;
        socket.connectToHost(address, port);
        QTRY_COMPARE(socket.state(), QAbstractSocket::UnconnectedState);
        QVERIFY2(socket.error() != QAbstractSocket::UnknownSocketError,
                 qPrintable(address.toString()));
    }
    QTcpSocket loopback;
    loopback.connectToHost(QHostAddress::LocalHost, port);
    QTRY_COMPARE(loopback.state(), QAbstractSocket::ConnectedState);
}

void TestLoopbackReplyHandler::fixedFreePortIsUsed()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();
    LoopbackReplyHandler handler;
    QVERIFY(handler.listen(port).ok());
    QCOMPARE(handler.port(), port);
}

void TestLoopbackReplyHandler::logsNoCodeOrState()
{
    const QByteArray code = "4/0AeaYSHBsecretcodevalue";
    LogCapture logs;
    const quint16 port = m_handler->port();
    for (const QByteArray &target :
         {QByteArray(kPath + "?code=" + code.toPercentEncoding() + "&state=" + kGoodState),
          QByteArray(kPath + "?code=" + code.toPercentEncoding() + "&state=unknown-state-value"),
          QByteArray("/favicon.ico?state=" + kGoodState)}) {
        HttpAnswer answer;
        exchange(port, {get(target, port)}, answer);
        if (QTest::currentTestFailed())
            return;
    }
    QVERIFY(!logs.messages().isEmpty());
    QVERIFY(!logs.mentions(code));
    QVERIFY(!logs.mentions(kGoodState));
    QVERIFY(!logs.mentions("unknown-state-value"));
}

QTEST_GUILESS_MAIN(TestLoopbackReplyHandler)
#include "tst_loopbackreplyhandler.moc"
