/**
 * SLOT for the 情况说明 (narrative) view. The narrative feature (shared/narrative) replaces this component
 * with its editor: generated text, reason fields, numbers checked against the tables. Until then the tree
 * item opens this notice.
 */
export function NarrativeView() {
  return (
    <div className="placeholder" data-testid="narrative-slot">
      <h2>第三部分 情况说明</h2>
      <p>情况说明的编辑视图随「情况说明」功能提供：由公开表的数字生成文字、填写主要原因、逐个核对文中数字。</p>
      <p>当前版本可以先填报公开表和自评表；审核结果已实时显示在右侧。</p>
    </div>
  );
}
