from easycv_like.utils.shape_groups import group_by_shape


def test_groups_keep_first_appearance_order_and_ascending_indices():
    assert group_by_shape([(2, 2), (4, 4), (2, 2), (1, 8), (4, 4)]) == [[0, 2], [1, 4], [3]]
    assert group_by_shape([]) == []
