#include "ui/mainwindow.h"

#include "ui/theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

namespace EasyCrm::Ui {

namespace {

constexpr int kNavigationWidth = 220;

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_pages(new QStackedWidget(this))
    , m_statusText(new QLabel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("EasyCRM Social Connect"));
    setMinimumSize(900, 600);
    resize(1040, 680);
    setStyleSheet(Theme::windowStyleSheet());

    m_pages->setObjectName(QStringLiteral("pageStack"));
    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(buildNavigation());
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    m_statusText->setObjectName(QStringLiteral("statusText"));
    m_statusText->setTextFormat(Qt::PlainText);
    statusBar()->addWidget(m_statusText, 1);
    statusBar()->setSizeGripEnabled(false);
}

MainWindow::~MainWindow() = default;

QWidget *MainWindow::buildNavigation()
{
    auto *panel = new QFrame(this);
    panel->setObjectName(QStringLiteral("navigationPanel"));
    panel->setFixedWidth(kNavigationWidth);

    auto *product = new QLabel(tr("EasyCRM"), panel);
    product->setObjectName(QStringLiteral("productName"));
    QFont productFont = product->font();
    productFont.setPointSizeF(productFont.pointSizeF() * 1.3);
    productFont.setWeight(QFont::Bold);
    product->setFont(productFont);
    //: Subtitle under the product name in the navigation panel.
    auto *subtitle = new QLabel(tr("Social Connect"), panel);
    subtitle->setObjectName(QStringLiteral("productSubtitle"));
    //: Section heading above the settings pages in the navigation panel.
    auto *header = new QLabel(tr("SETTINGS"), panel);
    header->setObjectName(QStringLiteral("navigationHeader"));
    QFont headerFont = header->font();
    headerFont.setPointSizeF(headerFont.pointSizeF() * 0.85);
    headerFont.setWeight(QFont::DemiBold);
    header->setFont(headerFont);

    m_navigation = new QListWidget(panel);
    m_navigation->setObjectName(QStringLiteral("navigationList"));
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_navigation, &QListWidget::currentRowChanged, this, &MainWindow::showPageAt);

    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(14, 22, 14, 14);
    layout->setSpacing(2);
    layout->addWidget(product);
    layout->addWidget(subtitle);
    layout->addSpacing(26);
    layout->addWidget(header);
    layout->addSpacing(6);
    layout->addWidget(m_navigation, 1);
    return panel;
}

int MainWindow::addPage(const QString &title, QWidget *page)
{
    const int index = m_pages->addWidget(page);
    m_navigation->addItem(title);
    if (m_navigation->currentRow() < 0)
        m_navigation->setCurrentRow(index);
    return index;
}

int MainWindow::pageCount() const
{
    return m_pages->count();
}

QWidget *MainWindow::currentPage() const
{
    return m_pages->currentWidget();
}

QString MainWindow::statusText() const
{
    return m_statusText->text();
}

void MainWindow::setStatusText(const QString &text)
{
    m_statusText->setText(text);
}

void MainWindow::showPage(QWidget *page)
{
    showPageAt(m_pages->indexOf(page));
}

void MainWindow::showPageAt(int index)
{
    if (index < 0 || index >= m_pages->count())
        return;
    m_pages->setCurrentIndex(index);
    if (m_navigation->currentRow() != index)
        m_navigation->setCurrentRow(index);
}

} // namespace EasyCrm::Ui
