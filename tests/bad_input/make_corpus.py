"""Build the hostile-input corpus in this folder (small files; the multi-GB case is generated in the test).

Run ``python tests/bad_input/make_corpus.py``; tests/test_bad_input.py holds what each file must give.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
H = "order_id,customer_id,ordered_at,revenue,status\n"


def rows(n: int, start: int = 1, day: str | None = None, cust=lambda i: f"c{i % 7}") -> str:
    return "".join(f"{i},{cust(i)},{day or f'2024-01-{1 + i % 28:02d}'} 10:00:00,{10 + i % 5}.50,paid\n" for i in range(start, start + n))


def main() -> None:
    t = {
        "empty.csv": "",
        "header_only.csv": H,
        "duplicated_header.csv": H + rows(3) + H + rows(3, 10),
        "wrong_delimiter.csv": H.replace(",", ";") + rows(3).replace(",", ";"),
        "missing_columns.csv": "order_id,customer_id,revenue\n1,a,10\n",
        "misspelled_column.csv": "order_id,customer,ordered_at,revenue\n1,a,2024-01-01,10\n",
        "text_in_amounts.csv": H + rows(3) + "9,c1,2024-01-05,ten euro,paid\n",
        "currency_symbol_in_amounts.csv": H + '1,c1,2024-01-05,"€ 12,50",paid\n',
        "impossible_dates.csv": H + rows(2) + "9,c1,2024-02-30,10,paid\n",
        "mixed_date_formats.csv": H + "1,c1,2024-01-05,10,paid\n2,c2,05/01/2024 xx,10,paid\n",
        "no_usable_dates.csv": H + "1,c1,,10,paid\n2,c2,,10,paid\n",
        "dayfirst_without_config.csv": H + "1,c1,31-01-2024,10,paid\n",
        "decimal_comma_without_config.csv": H + '1,c1,2024-01-31,"12,50",paid\n',
        "nan_ids.csv": H + rows(3) + "7,NaN,2024-01-05,10,paid\n8,nan,2024-01-06,10,paid\n9,null,2024-01-07,10,paid\n10,,2024-01-08,10,paid\n",
        "nan_order_ids.csv": H + rows(2) + "NaN,c1,2024-01-05,10,paid\n",
        "one_customer.csv": H + rows(5, cust=lambda i: "only"),
        "only_one_time_buyers.csv": H + rows(20, cust=lambda i: f"c{i}"),
        "all_orders_one_day.csv": H + rows(10, day="2024-03-01"),
        "future_dates.csv": H + rows(3) + "9,c1,2999-01-01,10,paid\n",
        "absurd_outliers.csv": H + rows(5) + "9,c1,2024-01-09,999999999999,paid\n",
        "all_cancelled.csv": H + "1,a,2024-01-01,10,cancelled\n2,b,2024-01-02,10,refunded\n",
        "all_returns.csv": H + "1,a,2024-01-01,-10,paid\n2,b,2024-01-02,-5,paid\n",
        "conflicting_order_ids.csv": H + "1,a,2024-01-01,10,paid\n1,b,2024-01-03,99,paid\n",
        "exact_duplicates.csv": H + rows(3) + rows(3),
        "no_header.csv": rows(3),
        "ragged_rows.csv": H + "1,a,2024-01-01,10,paid\n2,b,2024-01-02\n3,c,2024-01-03,5,paid\n",
        "quoted_newlines.csv": H + '1,"a",2024-01-01,10,"paid\nlate"\n2,b,2024-01-02,5,paid\n',
        "bom_semicolon.csv": "\ufeff" + (H + rows(3)).replace(",", ";"),
        "pii_customer_ids.csv": H + "1,anna.jansen@example.nl,2024-01-01,10,paid\n2,+31 6 12345678,2024-01-02,5,paid\n3,anna.jansen@example.nl,2024-01-09,7,paid\n",
        "negative_and_zero_quantities_lines.csv": "order_id,product_id,quantity,unit_price\n1,p,2,5\n1,q,-1,5\n2,p,0,5\n",
        "unknown_orders_lines.csv": "order_id,product_id,quantity,unit_price\n1,p,1,5\n999,p,1,5\n",
        "orders.xml": "<orders><order id='1'/></orders>\n",
        "corrupt_workbook.xlsx": "this is not a zip file\n",
        "shopify_wrong_columns.csv": "Order,Customer Email,Amount\n#1,a@example.nl,10\n",
    }
    for name, text in t.items():
        (HERE / name).write_text(text, encoding="utf-8", newline="")
    (HERE / "latin1_names.csv").write_bytes((H + "1,Müller,2024-01-01,10,paid\n2,Zoë,2024-01-02,5,paid\n").encode("latin-1"))
    (HERE / "binary_garbage.csv").write_bytes(bytes(range(256)) * 8)
    wide = pd.DataFrame({"order_id": ["1", "2"], "customer_id": ["a", "b"], "ordered_at": ["2024-01-01", "2024-01-02"],
                         "revenue": [1, 2], **{f"extra_{i}": [i, i] for i in range(2000)}})
    wide.to_csv(HERE / "very_wide.csv", index=False)
    df = pd.DataFrame({"order_id": ["1"], "customer_id": ["a"], "ordered_at": ["2024-01-01"], "revenue": [1.0]})
    with pd.ExcelWriter(HERE / "two_sheets.xlsx") as xl:
        df.to_excel(xl, sheet_name="Orders", index=False)
        df.to_excel(xl, sheet_name="Orders 2023", index=False)


if __name__ == "__main__":
    main()
