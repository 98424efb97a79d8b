// A field on a scrolling page must not take a wheel turn meant for the page: scrolling the
// Database page once put its SSL mode under the pointer and changed it to verify-full.
#include "ui/databasepage.h"
#include "ui/wheelguard.h"

#include <QComboBox>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QTest>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <QtTest/qtestspontaneevent.h>

using namespace EasyCrm;

namespace {

// One notch down, at the middle of `field`, as the mouse sends it: spontaneous, so that
// QApplication offers an ignored turn to the parents as it does with the real wheel.
void turnWheelOver(QWidget *field)
{
    const QPointF at = QRectF(field->rect()).center();
    QWheelEvent turn(at, field->mapToGlobal(at), QPoint(), QPoint(0, -120), Qt::NoButton,
                     Qt::NoModifier, Qt::NoScrollPhase, false);
    QSpontaneKeyEvent::setSpontaneous(&turn);
    qApp->notify(field, &turn);
}

} // namespace

class TestWheelGuard final : public QObject
{
    Q_OBJECT

private slots:
    void wheelScrollsThePageUntilTheFieldHasFocus_data();
    void wheelScrollsThePageUntilTheFieldHasFocus();
    void databasePageFieldsIgnoreAPassingWheel_data();
    void databasePageFieldsIgnoreAPassingWheel();
};

void TestWheelGuard::wheelScrollsThePageUntilTheFieldHasFocus_data()
{
    QTest::addColumn<bool>("combo");
    QTest::newRow("combo-box") << true;
    QTest::newRow("spin-box") << false;
}

void TestWheelGuard::wheelScrollsThePageUntilTheFieldHasFocus()
{
    QFETCH(bool, combo);
    QScrollArea page;
    page.resize(300, 200);
    auto *content = new QWidget;
    auto *layout = new QVBoxLayout(content);
    layout->addWidget(new QLineEdit); // where the focus is, as on a form being filled in
    QWidget *field = nullptr;
    if (combo) {
        auto *box = new QComboBox;
        box->addItems({u"disable"_qs, u"prefer"_qs, u"require"_qs, u"verify-full"_qs});
        box->setCurrentIndex(1);
        field = box;
    } else {
        auto *box = new QSpinBox;
        box->setRange(1, 65535);
        box->setValue(5432);
        field = box;
    }
    const auto value = [field, combo] {
        return combo ? static_cast<QComboBox *>(field)->currentIndex()
                     : static_cast<QSpinBox *>(field)->value();
    };
    layout->addWidget(field);
    layout->addSpacing(2000);
    page.setWidget(content);
    Ui::takeWheelOnlyWhenFocused(field);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    const int before = value();

    turnWheelOver(field);
    QCOMPARE(value(), before);
    QVERIFY(page.verticalScrollBar()->value() > 0);
    QVERIFY(!field->hasFocus());

    page.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&page));
    field->setFocus(Qt::MouseFocusReason);
    QTRY_VERIFY(field->hasFocus());
    turnWheelOver(field);
    QVERIFY(value() != before);
}

void TestWheelGuard::databasePageFieldsIgnoreAPassingWheel_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("ssl-mode") << u"sslModeCombo"_qs;
    QTest::newRow("port") << u"portSpin"_qs;
}

void TestWheelGuard::databasePageFieldsIgnoreAPassingWheel()
{
    QFETCH(QString, name);
    Ui::DatabasePage page;
    page.setSslModes({u"disable"_qs, u"prefer"_qs, u"require"_qs, u"verify-full"_qs});
    Ui::DatabasePage::Connection connection;
    connection.port = 5432;
    connection.sslMode = u"prefer"_qs;
    page.setConnection(connection);
    page.resize(900, 500);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QWidget *field = page.findChild<QWidget *>(name);
    QVERIFY(field);
    auto *combo = qobject_cast<QComboBox *>(field);
    auto *spin = qobject_cast<QSpinBox *>(field);
    const QString before = combo ? combo->currentText() : spin->text();
    turnWheelOver(field);
    QCOMPARE(combo ? combo->currentText() : spin->text(), before);
}

QTEST_MAIN(TestWheelGuard)
#include "tst_wheelguard.moc"
