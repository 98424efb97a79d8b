#include "core/oauth/httprequestparser.h"

#include <QTest>

using namespace EasyCrm::OAuth;
using Status = HttpRequestParser::Status;

Q_DECLARE_METATYPE(EasyCrm::OAuth::HttpRequestParser::Status)

namespace {

const QByteArray kRequest = "GET /api/integrations/social/callback?code=a&state=b HTTP/1.1\r\n"
                            "Host: 127.0.0.1:5000\r\n"
                            "User-Agent: test\r\n\r\n";

QByteArray headerLines(int count, int valueLength)
{
    QByteArray lines;
    for (int i = 0; i < count; ++i)
        lines += "X-Filler-" + QByteArray::number(i) + ": " + QByteArray(valueLength, 'v') + "\r\n";
    return lines;
}

} // namespace

class TestHttpRequestParser final : public QObject
{
    Q_OBJECT

private slots:
    void parsesInAnyNumberOfPieces_data();
    void parsesInAnyNumberOfPieces();
    void refusesWhatIsNotARequest_data();
    void refusesWhatIsNotARequest();
    void refusesAGarbageStartWithoutWaiting();
    void waitsForTheEndOfTheHead();
    void ignoresBytesAfterTheVerdict();
};

void TestHttpRequestParser::parsesInAnyNumberOfPieces_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("pieceSize");
    QTest::newRow("one-piece") << kRequest << int(kRequest.size());
    QTest::newRow("byte-by-byte") << kRequest << 1;
    QTest::newRow("split-inside-crlf") << kRequest << int(kRequest.indexOf('\n'));
    QTest::newRow("seven-byte-pieces") << kRequest << 7;
    QByteArray lfOnly = kRequest;
    lfOnly.replace("\r\n", "\n");
    QTest::newRow("lf-line-ends") << lfOnly << 5;
    QTest::newRow("leading-empty-line") << QByteArray("\r\n" + kRequest) << 3;
    QTest::newRow("body-after-head") << QByteArray(kRequest + "ignored body") << 9;
}

void TestHttpRequestParser::parsesInAnyNumberOfPieces()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, pieceSize);
    const qsizetype headEnd =
        bytes.contains("\r\n\r\n") ? bytes.indexOf("\r\n\r\n") + 4 : bytes.indexOf("\n\n") + 2;
    HttpRequestParser parser;
    Status status = Status::Incomplete;
    for (qsizetype at = 0; at < bytes.size(); at += pieceSize) {
        const qsizetype size = qMin<qsizetype>(pieceSize, bytes.size() - at);
        status = parser.feed(QByteArrayView(bytes).sliced(at, size));
        // Not a verdict before the head is all there; the same verdict after it.
        QCOMPARE(status, at + size < headEnd ? Status::Incomplete : Status::Complete);
    }
    QCOMPARE(parser.method(), QByteArray("GET"));
    QCOMPARE(parser.target(), QByteArray("/api/integrations/social/callback?code=a&state=b"));
    QCOMPARE(parser.version(), QByteArray("HTTP/1.1"));
    QCOMPARE(parser.header("host"), QByteArray("127.0.0.1:5000"));
    QCOMPARE(parser.headerCount("HOST"), 1);
    QCOMPARE(parser.header("user-agent"), QByteArray("test"));
    QVERIFY(parser.header("cookie").isEmpty());
}

void TestHttpRequestParser::refusesWhatIsNotARequest_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<Status>("expected");
    const QByteArray host = "Host: 127.0.0.1\r\n";
    QTest::newRow("garbage-request-line") << QByteArray("HELLO\r\n\r\n") << Status::BadRequest;
    QTest::newRow("two-spaces") << QByteArray("GET  / HTTP/1.1\r\n\r\n") << Status::BadRequest;
    QTest::newRow("absolute-form-target")
        << QByteArray("GET http://127.0.0.1/ HTTP/1.1\r\n\r\n") << Status::BadRequest;
    QTest::newRow("space-in-target")
        << QByteArray("GET /a b HTTP/1.1\r\n\r\n") << Status::BadRequest;
    QTest::newRow("http-2-version") << QByteArray("GET / HTTP/2.0\r\n\r\n") << Status::BadRequest;
    QTest::newRow("lowercase-version")
        << QByteArray("GET / http/1.1\r\n\r\n") << Status::BadRequest;
    QTest::newRow("header-without-colon")
        << QByteArray("GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n") << Status::BadRequest;
    QTest::newRow("space-before-colon")
        << QByteArray("GET / HTTP/1.1\r\nHost : 127.0.0.1\r\n\r\n") << Status::BadRequest;
    QTest::newRow("obsolete-line-folding")
        << QByteArray("GET / HTTP/1.1\r\n" + host + " folded\r\n\r\n") << Status::BadRequest;
    QTest::newRow("stray-carriage-return")
        << QByteArray("GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n") << Status::BadRequest;
    QTest::newRow("many-empty-lines-first")
        << QByteArray("\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n\r\n") << Status::BadRequest;
    QTest::newRow("oversized-request-line")
        << QByteArray("GET /?q=" + QByteArray(HttpRequestParser::kMaxRequestLine, 'a') +
                      " HTTP/1.1\r\n\r\n")
        << Status::UriTooLong;
    QTest::newRow("oversized-request-line-unterminated")
        << QByteArray("GET /?q=" + QByteArray(HttpRequestParser::kMaxRequestLine, 'a'))
        << Status::UriTooLong;
    QTest::newRow("oversized-header-section")
        << QByteArray("GET / HTTP/1.1\r\n" + headerLines(20, 1000) + "\r\n")
        << Status::HeadersTooLarge;
    QTest::newRow("oversized-header-section-unterminated")
        << QByteArray("GET / HTTP/1.1\r\n" + headerLines(20, 1000)) << Status::HeadersTooLarge;
    QTest::newRow("too-many-headers")
        << QByteArray("GET / HTTP/1.1\r\n" +
                      headerLines(HttpRequestParser::kMaxHeaderCount + 1, 1) + "\r\n")
        << Status::HeadersTooLarge;
}

void TestHttpRequestParser::refusesWhatIsNotARequest()
{
    QFETCH(QByteArray, bytes);
    QFETCH(Status, expected);
    HttpRequestParser parser;
    QCOMPARE(parser.feed(bytes), expected);
    QCOMPARE(parser.status(), expected);
}

void TestHttpRequestParser::refusesAGarbageStartWithoutWaiting()
{
    // A TLS ClientHello sent to the plain-HTTP listener: no line end is coming.
    HttpRequestParser parser;
    QCOMPARE(parser.feed(QByteArray::fromHex("160301020001")), Status::BadRequest);
    HttpRequestParser longMethod;
    QCOMPARE(longMethod.feed(QByteArray(HttpRequestParser::kMaxMethod + 1, 'G')),
             Status::BadRequest);
}

void TestHttpRequestParser::waitsForTheEndOfTheHead()
{
    HttpRequestParser parser;
    QCOMPARE(parser.feed("GET /api/integrations/social/callback HTTP/1.1\r\nHost: 127.0.0.1"),
             Status::Incomplete);
    QCOMPARE(parser.feed(":5000\r\n"), Status::Incomplete);
    QCOMPARE(parser.feed("\r\n"), Status::Complete);
    QCOMPARE(parser.header("Host"), QByteArray("127.0.0.1:5000"));
}

void TestHttpRequestParser::ignoresBytesAfterTheVerdict()
{
    HttpRequestParser parser;
    QCOMPARE(parser.feed("BAD\x01"), Status::BadRequest);
    QCOMPARE(parser.feed(kRequest), Status::BadRequest);
    QVERIFY(parser.method().isEmpty());
}

QTEST_GUILESS_MAIN(TestHttpRequestParser)
#include "tst_httprequestparser.moc"
