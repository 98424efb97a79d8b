#include "ui/mainwindow.h"

#include "ui/tenantswitcher.h"
#include "ui/theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QStyledItemDelegate>
#include <QStatusBar>
#include <QVBoxLayout>

namespace EasyCrm::Ui {

namespace {

constexpr int kNavigationWidth = 220;
constexpr int kSubPageIndent = 14;
constexpr int kLevelRole = Qt::UserRole + 1;

// Draws a page that belongs under the one before it indented, as a tree would.
class NavigationDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override
    {
        QStyleOptionViewItem indented = option;
        if (index.data(kLevelRole).value<MainWindow::PageLevel>() == MainWindow::PageLevel::Sub)
            indented.rect.setLeft(indented.rect.left() + kSubPageIndent);
        QStyledItemDelegate::paint(painter, indented, index);
    }
};

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

    m_tenantSwitcher = new TenantSwitcher(panel);
    m_tenantSwitcher->hide();

    m_navigation = new QListWidget(panel);
    m_navigation->setObjectName(QStringLiteral("navigationList"));
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_navigation->setItemDelegate(new NavigationDelegate(m_navigation));
    connect(m_navigation, &QListWidget::currentRowChanged, this, &MainWindow::showPageAt);

    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(14, 22, 14, 14);
    layout->setSpacing(2);
    layout->addWidget(product);
    layout->addWidget(subtitle);
    layout->addSpacing(16);
    layout->addWidget(m_tenantSwitcher);
    layout->addSpacing(10);
    layout->addWidget(header);
    layout->addSpacing(6);
    layout->addWidget(m_navigation, 1);
    return panel;
}

int MainWindow::addPage(const QString &title, QWidget *page, PageLevel level)
{
    const int index = m_pages->addWidget(page);
    auto *item = new QListWidgetItem(title, m_navigation);
    if (level == PageLevel::Sub) {
        QFont font = item->font();
        font.setPointSizeF(font.pointSizeF() * 0.95);
        item->setFont(font);
        item->setData(kLevelRole, QVariant::fromValue(PageLevel::Sub));
    }
    if (m_navigation->currentRow() < 0)
        m_navigation->setCurrentRow(index);
    return index;
}

void MainWindow::setPageVisible(QWidget *page, bool visible)
{
    const int index = m_pages->indexOf(page);
    if (index < 0)
        return;
    m_navigation->item(index)->setHidden(!visible);
    if (visible || m_pages->currentIndex() != index)
        return;
    for (int row = 0; row < m_navigation->count(); ++row) {
        if (!m_navigation->item(row)->isHidden()) {
            showPageAt(row);
            return;
        }
    }
}

bool MainWindow::isPageVisible(QWidget *page) const
{
    const int index = m_pages->indexOf(page);
    return index >= 0 && !m_navigation->item(index)->isHidden();
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
